// parse.mjs: syntax-checks texts with real grammars of each engine's dialect
// (dt-sql-parser's ANTLR4 grammars, pinned in package.json).
//
//   node tests/grammars/parse.mjs < TEXTS > RESULTS
//
// TEXTS: JSON lines {"id", "dialect", "check", ...}; dialect is one of
// trino, spark, postgresql, mysql, hive, flink, impala; "check" is the text
// handed to the parser.  Records without "dialect" (gaps, problems) are
// passed over.  RESULTS: one JSON line per checked record,
// {"id", "errors": [{"line", "col", "message"}]} or {"id", "fatal": "..."}
// when the parser itself failed.  Exit status 0 unless the input was
// unreadable or the parsers could not be loaded.
import { register } from 'node:module';
import { createInterface } from 'node:readline';

register(new URL('./resolve.mjs', import.meta.url));
const lib = await import(new URL('./node_modules/dt-sql-parser/dist/index.js', import.meta.url));

const make = {
	trino: () => new lib.TrinoSQL(),
	spark: () => new lib.SparkSQL(),
	postgresql: () => new lib.PostgreSQL(),
	mysql: () => new lib.MySQL(),
	hive: () => new lib.HiveSQL(),
	flink: () => new lib.FlinkSQL(),
	impala: () => new lib.ImpalaSQL(),
};
const parsers = {};

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
	if (!line.trim())
		continue;
	const rec = JSON.parse(line);
	if (!rec.dialect)
		continue;
	const out = { id: rec.id };
	try {
		if (!make[rec.dialect])
			throw new Error(`no grammar for dialect ${rec.dialect}`);
		parsers[rec.dialect] ??= make[rec.dialect]();
		out.errors = parsers[rec.dialect].validate(rec.check).map((e) => ({
			line: e.startLine, col: e.startColumn ?? e.startCol, message: e.message,
		}));
	} catch (err) {
		out.fatal = String(err && err.message || err);
	}
	process.stdout.write(JSON.stringify(out) + '\n');
}
