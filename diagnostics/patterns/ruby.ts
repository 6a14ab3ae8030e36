import type { LogPattern } from './types.ts';
import { anyOf } from './any-of.ts';
import { envLike } from './types.ts';

export const RUBY_PATTERNS: LogPattern[] = [
  {
    id: 'ruby-load-error',
    cause: 'missing-dependency',
    re: anyOf([
      /cannot load such file -- (\S+)/,
      /Bundler::GemNotFound/,
      /Could not find (?:gem )?'?([\w-]+)[^\n]*in (?:any of the sources|locally installed gems)/,
      /Gem::MissingSpecError/,
    ]),
    weight: 4,
    subject: 1,
    title: 'A Ruby gem or file is missing from the image: $1',
  },
  {
    id: 'ruby-keyerror',
    cause: 'missing-env-var',
    re: /key not found: "?([^"\s)]+)"? \(KeyError\)|KeyError: key not found: "([^"]+)"/,
    weight: 3.6,
    subject: 1,
    title: 'key not found: $1',
    classify: (m) => (envLike(m[1] ?? m[2] ?? '') ? 'missing-env-var' : 'app-error'),
  },
  // Rails quotes the name with backticks up to 7.0 and with single quotes since; either way it reads
  // ENV["SECRET_KEY_BASE"] (or decrypts credentials with RAILS_MASTER_KEY).
  {
    id: 'rails-secret',
    cause: 'missing-env-var',
    re: /Missing [`'"]?secret_key_base[`'"]?|Missing encryption key to decrypt|RAILS_MASTER_KEY/,
    weight: 4,
    fixedSubject: 'SECRET_KEY_BASE',
    title: 'Rails cannot boot without secret_key_base (SECRET_KEY_BASE is not set, nor RAILS_MASTER_KEY for encrypted credentials)',
  },
  {
    id: 'ruby-enoent',
    cause: 'config-file-missing',
    re: /Errno::ENOENT[^\n]*?(?:- |: )(\/\S+)?/,
    weight: 3.6,
    subject: 1,
    title: 'The file $1 does not exist',
  },
  {
    id: 'ruby-eacces',
    cause: 'permission-denied',
    re: /Errno::EACCES[^\n]*?(?:- |: )(\/\S+)?/,
    weight: 3.6,
    subject: 1,
    title: 'Permission denied on $1',
  },
  {
    id: 'ruby-no-db',
    cause: 'config-invalid',
    re: /ActiveRecord::NoDatabaseError/,
    weight: 3.2,
    title: 'The configured database does not exist',
  },
  {
    id: 'ruby-exception',
    cause: 'app-error',
    re: /:in `[^']+': .* \(([A-Z]\w*(?:::\w+)*)\)$/,
    weight: 1.2,
    subject: 1,
    title: 'The app crashed with $1',
  },
];
