// The cluster components that crash-loop most often: CoreDNS, flannel, Calico, Prometheus,
// Alertmanager, metrics-server. Their own words, mapped to the cause an SRE would name.
import type { LogPattern } from './types.ts';
import { anyOf } from './any-of.ts';

export const K8S_COMPONENT_PATTERNS: LogPattern[] = [
  {
    id: 'coredns-loop',
    cause: 'dns-failure',
    re: /plugin\/loop: (?:Loop \([^)]*\) detected|[^\n]*loop detected)/i,
    weight: 5,
    title: 'CoreDNS detected a forwarding loop: the node resolv.conf points back at CoreDNS',
    fixKind: 'fix-config',
    fixAdvice: 'Break the loop: CoreDNS forwards to the node\'s /etc/resolv.conf, which points at a local resolver (127.0.0.53 systemd-resolved, 127.0.0.1 dnsmasq). Point the kubelet at a file with real upstream servers (resolvConf: /run/systemd/resolve/resolv.conf in the kubelet config, or --resolv-conf) or replace `forward . /etc/resolv.conf` in the coredns ConfigMap with upstream IPs, then restart the CoreDNS pods.',
  },
  {
    id: 'flannel-subnet-manager',
    cause: 'dependency-unreachable',
    re: /Failed to create SubnetManager: (.+)/,
    weight: 4.8,
    subject: 1,
    title: 'flannel cannot reach the Kubernetes API to create its SubnetManager',
    classify: (m) => {
      const t = m[1] ?? '';
      if (/x509|certificate/.test(t)) return 'tls-error';
      if (/[Uu]nauthorized|forbidden/.test(t)) return 'auth-failure';
      if (/no such host|lookup /.test(t)) return 'dns-failure';
      return 'dependency-unreachable';
    },
  },
  {
    id: 'flannel-podcidr',
    cause: 'config-invalid',
    re: /pod cidr not assigned|failed to acquire lease/,
    weight: 4.8,
    title: 'flannel: the node has no podCIDR (cluster not started with --pod-network-cidr)',
  },
  {
    id: 'flannel-iface',
    cause: 'config-invalid',
    re: anyOf([
      /[Ff]ailed to find (?:any valid )?interface/,
      /error looking up interface/,
      /Failed to get network config/,
      /Couldn't fetch network config/,
    ]),
    weight: 4.5,
    title: 'flannel network configuration is wrong (interface or net-conf.json)',
  },
  {
    id: 'flannel-br-netfilter',
    cause: 'missing-dependency',
    re: /Failed to check br_netfilter|bridge-nf-call-iptables: no such file/,
    weight: 4.5,
    title: 'The br_netfilter kernel module is not loaded on the node',
  },
  {
    id: 'calico-bird',
    cause: 'dependency-unreachable',
    re: anyOf([
      /calico\/node is not ready: BIRD is not ready(?:: (.+))?/,
      /BGP not established with ([\d., ]+)/,
    ]),
    weight: 3.9,
    subject: 2,
    title: 'Calico BGP sessions are not established (BIRD is not ready)',
    events: true,
  },
  {
    id: 'calico-autodetect',
    cause: 'config-invalid',
    re: anyOf([
      /Unable to autodetect (?:IPv4|IPv6) address/,
      /IP autodetection[^\n]*failed/,
      /is already using the IPv4 address/,
      /Couldn't autodetect/,
    ]),
    weight: 4.5,
    title: 'Calico cannot autodetect the node IP: set IP_AUTODETECTION_METHOD',
  },
  {
    id: 'calico-datastore',
    cause: 'dependency-unreachable',
    re: anyOf([
      /Failed to (?:initialize|create) Calico (?:datastore|API client)/,
      /Error (?:getting|initializing) datastore/,
    ]),
    weight: 3.2,
    title: 'Calico cannot reach its datastore (the Kubernetes API)',
  },
  {
    id: 'prom-config',
    cause: 'config-invalid',
    re: anyOf([
      /Error loading config/,
      /Loading configuration file failed/,
      /error parsing YAML/,
      /parsing YAML file/,
      /couldn't load configuration/,
      /error checking configuration/,
    ], 'i'),
    weight: 3.5,
    title: 'The configuration file cannot be loaded',
  },
  {
    id: 'prom-config-enoent',
    cause: 'config-file-missing',
    re: /(?:Error loading config|Loading configuration file failed)[^\n]*no such file or directory/,
    weight: 4.6,
    title: 'The configuration file does not exist',
  },
  {
    id: 'prom-lock',
    cause: 'permission-denied',
    re: anyOf([
      /opening storage failed[^\n]*permission denied/,
      /Error opening query log file[^\n]*permission denied/,
      /lock DB directory[^\n]*permission denied/,
    ]),
    weight: 4.5,
    title: 'Prometheus cannot write its storage directory (permission denied)',
  },
  // metrics-server scraping kubelets by IP is the classic case (and keeps its own title and fix); any other client that
  // calls a server by IP and finds no IP SAN gets the general wording.
  {
    id: 'metrics-server-ip-sans',
    cause: 'tls-error',
    re: /^(?=.*(?::10250\b|kubelet)).*x509: cannot validate certificate for (\S+) because it doesn't contain any IP SANs/i,
    weight: 4.9,
    subject: 1,
    title: 'metrics-server cannot verify the kubelet certificate of $1 (no IP SANs): use --kubelet-insecure-tls or serve kubelet certs',
  },
  {
    id: 'ip-sans',
    cause: 'tls-error',
    re: /x509: cannot validate certificate for (\S+) because it doesn't contain any IP SANs/,
    weight: 4.8,
    subject: 1,
    title: 'The certificate of $1 has no IP SANs, so a client that connects to that IP cannot verify it',
  },
];
