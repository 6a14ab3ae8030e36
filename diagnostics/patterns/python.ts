import type { LogPattern } from './types.ts';
import { anyOf, group, seq } from './any-of.ts';
import { envLike, readsEnvNear } from './types.ts';

export const PYTHON_PATTERNS: LogPattern[] = [
  {
    id: 'py-module-not-found',
    cause: 'missing-dependency',
    re: /(?:ModuleNotFoundError|ImportError|\.py|^):? ?No module named '?([\w.]+)'?/,
    weight: 4,
    subject: 1,
    title: 'The Python module "$1" is not installed in the image',
  },
  {
    id: 'py-import-error',
    cause: 'missing-dependency',
    re: seq([
      /ImportError: /,
      group([
        /cannot import name '?(\w+)'?/,
        /lib\S+\.so/,
        /DLL load failed/,
        /dynamic module does not define/,
      ]),
    ]),
    weight: 3.8,
    subject: 1,
    title: 'A Python import failed: the installed packages do not match the code',
  },
  {
    id: 'py-pkg-not-found',
    cause: 'missing-dependency',
    re: anyOf([
      /pkg_resources\.DistributionNotFound: The '([^']+)' distribution was not found/,
      /importlib\.metadata\.PackageNotFoundError: (\S+)/,
    ]),
    weight: 3.8,
    subject: 1,
    title: 'The Python package "$1" is not installed',
  },
  {
    id: 'py-file-not-found',
    cause: 'config-file-missing',
    re: /FileNotFoundError: \[Errno 2\] No such file or directory: '([^']+)'/,
    weight: 4,
    subject: 1,
    title: 'The file $1 does not exist',
  },
  {
    id: 'py-permission',
    cause: 'permission-denied',
    re: seq([
      /PermissionError: \[Errno (?:13|1)\] /,
      group([
        /Permission denied/,
        /Operation not permitted/,
      ]),
      /: '([^']+)'/,
    ]),
    weight: 4,
    subject: 1,
    title: 'Permission denied on $1',
  },
  {
    id: 'py-keyerror',
    cause: 'app-error',
    re: /^(?:\w+\.)*KeyError: '([^']*)'\s*$/,
    weight: 3.5,
    subject: 1,
    title: 'KeyError: \'$1\'',
    // KeyError on an env-like name (or raised while reading os.environ) means an unset variable;
    // a KeyError on an ordinary dict key is a bug in the app.
    classify: (m, lines, i) => (envLike(m[1] ?? '') || readsEnvNear(lines, i) ? 'missing-env-var' : 'app-error'),
  },
  {
    id: 'py-settings-validation',
    cause: 'missing-env-var',
    re: /(?:pydantic[\w.]*\.)?ValidationError: \d+ validation errors? for (\w*Settings|\w*Config|Env\w*)/,
    weight: 3.3,
    subject: 1,
    title: 'Settings validation failed: a required environment variable is missing or invalid',
  },
  {
    id: 'py-improperly-configured-env',
    cause: 'missing-env-var',
    re: seq([
      /ImproperlyConfigured: /,
      group([
        /Set the (\w+) environment variable/,
        /The SECRET_KEY setting must not be empty/,
      ]),
    ]),
    weight: 4,
    subject: 1,
    title: 'Django is missing a required setting: $1',
  },
  {
    id: 'py-improperly-configured',
    cause: 'config-invalid',
    re: /ImproperlyConfigured: /,
    weight: 3.2,
    title: 'Django settings are invalid',
  },
  {
    id: 'py-json-decode',
    cause: 'config-invalid',
    re: anyOf([
      /json\.decoder\.JSONDecodeError/,
      /yaml\.(?:scanner|parser|constructor)\.\w+Error/,
      /configparser\.\w+Error/,
      /tomllib\.TOMLDecodeError/,
    ]),
    weight: 3.2,
    title: 'A configuration file cannot be parsed',
  },
  {
    id: 'py-gunicorn-app',
    cause: 'config-invalid',
    re: /Failed to find (?:application|attribute) (?:object )?'?(\w+)'? in '?([\w.]+)'?/,
    weight: 3.5,
    title: 'gunicorn cannot find the WSGI application object',
  },
  {
    id: 'py-db-connect',
    cause: 'dependency-unreachable',
    re: seq([
      /(?:psycopg2?|asyncpg|pymysql|MySQLdb|sqlalchemy)[\w.]*\.OperationalError: /,
      group([
        /could not connect/,
        /connection to server/,
        /\(2003/,
        /\(2002/,
        /Can't connect/,
      ]),
    ]),
    weight: 3.2,
    title: 'The database is unreachable',
  },
  {
    id: 'py-exception',
    cause: 'app-error',
    re: /^(?:[a-z_][\w]*\.)*([A-Z]\w*(?:Error|Exception|Exit|Failure|Interrupt))(?::\s.*)?$/,
    weight: 1.2,
    subject: 1,
    title: 'The app crashed with $1',
  },
  {
    id: 'py-traceback',
    cause: 'app-error',
    re: /^Traceback \(most recent call last\):/,
    weight: 0.5,
    title: 'The app crashed with a Python exception',
  },
];
