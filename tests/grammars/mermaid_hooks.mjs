// Module hooks for mermaid.mjs: Mermaid imports DOMPurify, which needs a
// browser's DOM; its parser does not.  The import is answered with a
// module whose sanitize returns the text unchanged.
const stub = 'data:text/javascript,' + encodeURIComponent(
  'const p = { addHook() {}, removeHook() {}, removeHooks() {}, removeAllHooks() {},' +
  ' setConfig() {}, sanitize: (s) => String(s), isSupported: true }; export default p;');

export async function resolve(specifier, context, next) {
  if (specifier === 'dompurify')
    return { url: stub, shortCircuit: true };
  return next(specifier, context);
}
