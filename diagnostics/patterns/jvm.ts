import type { LogPattern } from './types.ts';
import { anyOf, group, seq } from './any-of.ts';
import { envLike } from './types.ts';

export const JVM_PATTERNS: LogPattern[] = [
  // The missing class is named after the exception ("ClassNotFoundException: com.acme.Main") or, in Kafka's wording,
  // before it ("com.linkedin…Reporter ClassNotFoundException exception occurred"); a lowercase word after it is not one.
  {
    id: 'jvm-class-not-found',
    cause: 'missing-dependency',
    re: seq([
      /(?:(?<![\w$])([\w$]+(?:\.[\w$]+){2,32}) )?/,
      group([
        /ClassNotFoundException/,
        /NoClassDefFoundError/,
        /NoSuchMethodError/,
        /Could not find or load main class/,
        /Unable to access jarfile/,
        /UnsupportedClassVersionError/,
        /no (?:main )?(?:manifest attribute|jar file found)/,
      ]),
      /(?:[:\s]+([\w$/-]+(?:[./][\w$-]+)+|[A-Z][\w$]*))?/,
    ]),
    weight: 4,
    title: 'A class or jar is missing from the image: $1',
  },
  // The s2i/UBI java run script found neither a main class nor a jar in /deployments: the build put nothing there.
  {
    id: 'jvm-no-app',
    cause: 'missing-dependency',
    re: /Neither \$JAVA_MAIN_CLASS nor \$JAVA_APP_JAR/,
    weight: 4,
    title: 'The image has no application jar (neither $JAVA_MAIN_CLASS nor $JAVA_APP_JAR is set and /deployments has no jar)',
    fixAdvice: 'Make the image build copy the application jar into /deployments (check the build output and the COPY/s2i step), or set JAVA_APP_JAR / JAVA_MAIN_CLASS to where the jar really is, then roll out again.',
  },
  // Decision (documented for SREs): a JVM heap OutOfMemoryError without a container OOMKilled
  // status is the app outgrowing -Xmx, not the kernel enforcing the memory limit, so it is an
  // app-error whose fix sizes the heap. When the kubelet reports OOMKilled, the oom rule wins.
  {
    id: 'jvm-oom',
    cause: 'app-error',
    re: /java\.lang\.OutOfMemoryError(?::\s*(.+))?/,
    weight: 4,
    subject: 1,
    title: 'The JVM ran out of heap (java.lang.OutOfMemoryError: $1), not a container OOM kill',
  },
  {
    id: 'jvm-bad-options',
    cause: 'config-invalid',
    re: anyOf([
      /Unrecognized VM option/,
      /Invalid (?:maximum|initial) heap size/,
      /Could not create the Java Virtual Machine/,
      /Improperly specified VM option/,
      /Unrecognized option: /,
    ]),
    weight: 3.8,
    title: 'The JVM options are invalid',
  },
  {
    id: 'spring-resource-missing',
    cause: 'config-file-missing',
    re: seq([
      group([
        /class path/,
        /file/,
        /URL/,
      ]),
      / resource \[([^\]]+)\] cannot be (?:opened|resolved)[^\n]*because it does not exist/,
    ]),
    weight: 4.2,
    subject: 1,
    title: 'The resource $1 does not exist',
  },
  {
    id: 'jvm-file-not-found',
    cause: 'config-file-missing',
    re: seq([
      /(?:FileNotFoundException|NoSuchFileException):? /,
      group([
        /[^'\n]*?'([^'\n]+)'/,
        /(?!Could |The )(\S+)(?! \(Permission denied\))/,
      ]),
    ]),
    weight: 3.5,
    title: 'The file $1 does not exist',
  },
  {
    id: 'jvm-file-denied',
    cause: 'permission-denied',
    re: /FileNotFoundException: (\S+) \(Permission denied\)|AccessDeniedException: (\S+)/,
    weight: 4,
    subject: 1,
    title: 'Permission denied on $1',
  },
  {
    id: 'spring-placeholder',
    cause: 'missing-env-var',
    re: /Could not resolve placeholder '([^']+)'/,
    weight: 4,
    subject: 1,
    title: 'The placeholder ${$1} has no value: set the environment variable or property',
    classify: (m) => (envLike(m[1] ?? '') ? 'missing-env-var' : 'config-invalid'),
  },
  {
    id: 'spring-port',
    cause: 'port-in-use',
    re: /Port (\d+) was already in use|Web server failed to start\. Port/,
    weight: 4,
    subject: 1,
    title: 'Port $1 is already in use',
  },
  {
    id: 'spring-datasource',
    cause: 'config-invalid',
    re: /Failed to configure a DataSource: '?url'? attribute is not specified/,
    weight: 3.8,
    title: 'No datasource URL is configured',
  },
  {
    id: 'jvm-caused-by',
    cause: 'app-error',
    re: /^(?:Caused by: |Exception in thread "[^"]*" )([\w.$]+(?:Exception|Error))/,
    weight: 1.2,
    subject: 1,
    title: 'The app crashed with $1',
  },
  {
    id: 'spring-failed',
    cause: 'app-error',
    re: /APPLICATION FAILED TO START|Application run failed/,
    weight: 0.8,
    title: 'The Spring application failed to start',
  },
];
