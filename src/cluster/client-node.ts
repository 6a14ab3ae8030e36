// The parts of @kubernetes/client-node this program uses at run time, in one place: scripts/build.mjs
// bundles exactly the names dist/ imports (with what they pull in) into dist/vendor/kubernetes-client-node.js,
// which the launcher loads in place of the package's ~1,000 files. ESLint keeps other value imports of the
// package out of src/ and handlers/ (type imports are free), so the web role never loads it by accident.
export { KubeConfig } from '@kubernetes/client-node';
