// dt-sql-parser ships ES modules whose relative imports name no file
// extension ("./parser", "./lib"): they are written for bundlers.  Node
// resolves such a specifier only through this hook, registered by parse.mjs
// with module.register(): a relative specifier that does not resolve is
// tried as SPEC.js, then SPEC/index.js.
export async function resolve(specifier, context, next) {
	try {
		return await next(specifier, context);
	} catch (err) {
		if (!specifier.startsWith('.'))
			throw err;
		for (const alt of [specifier + '.js', specifier + '/index.js']) {
			try {
				return await next(alt, context);
			} catch {
				// the next candidate
			}
		}
		throw err;
	}
}
