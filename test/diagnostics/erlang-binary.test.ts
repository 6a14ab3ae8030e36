import { describe, expect, it } from 'vitest';
import { decodedErlangBinaries } from '../../diagnostics/erlang-binary.ts';

const bytes = (s: string): string => `<<${[...new TextEncoder().encode(s)].join(',')}>>`;

describe('decodedErlangBinaries', () => {
  it('decodes a text binary into its lines', () => {
    const line = `{"init terminating in do_boot",{#{message=>${bytes('environment variable DATABASE_URL is missing.\nFor example: ecto://USER:PASS@HOST/DATABASE\n')}},[]}}`;
    expect(decodedErlangBinaries(line)).toEqual(['environment variable DATABASE_URL is missing.', 'For example: ecto://USER:PASS@HOST/DATABASE']);
  });

  it('decodes UTF-8 text and every binary on the line', () => {
    expect(decodedErlangBinaries(`{error,${bytes('Verbindung abgelehnt: Zeitüberschreitung')}} and ${bytes('second message here')}`))
      .toEqual(['Verbindung abgelehnt: Zeitüberschreitung', 'second message here']);
  });

  it('leaves raw byte data, short binaries, invalid UTF-8 and word-less text alone', () => {
    expect(decodedErlangBinaries('parse(<<0,0,0,12,1,2,255,254,7,0,0,3,80,73,78,71>>)')).toEqual([]);
    expect(decodedErlangBinaries('key = <<104,105>>')).toEqual([]);
    expect(decodedErlangBinaries('<<195,40,195,40,195,40,195,40,195,40>>')).toEqual([]);
    expect(decodedErlangBinaries(`<<${bytes('12.5, 13.0; 14')}>>`.slice(2, -2))).toEqual([]);
    expect(decodedErlangBinaries('no binaries at all: 101,110,118,105,114,111,110,109')).toEqual([]);
  });
});
