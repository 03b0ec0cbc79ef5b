// textmate_check.mjs PIPEC GRAMMAR FILE...
//
// Tokenises each .pipe FILE with the TextMate grammar GRAMMAR (the engine
// VS Code uses: vscode-textmate with Oniguruma) and compares every token
// pipec's own scanner reads (`PIPEC debug tokens --format json`) with the
// scopes the grammar gives its characters:
//   keyword      keyword.* or constant.language.*
//   string       string.*
//   number, duration  constant.numeric.*
//   comment      comment.*
//   quoted-name  variable.other.quoted.*
//   name, punct  none of keyword.other/constant/string/comment (a name may be
//                a type, a function or a member; punctuation an operator)
// Prints "ok FILE" or "not ok FILE" with the first differences.  With
// KEYWORDS=compiler/parse.c in the environment, also checks that every
// word of the scanner's keyword table is a keyword in the grammar, alone
// and after '.' (where the scanner reads a name).
import fs from "node:fs";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const [pipec, grammarPath, ...files] = process.argv.slice(2);
const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
await oniguruma.loadWASM(wasm);
const registry = new vsctm.Registry({
	onigLib: Promise.resolve({
		createOnigScanner: (s) => new oniguruma.OnigScanner(s),
		createOnigString: (s) => new oniguruma.OnigString(s),
	}),
	loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath),
});
const grammar = await registry.loadGrammar("source.pipe");

const want = {
	keyword: (s) => s.some((x) => /^(keyword|constant\.language)\./.test(x)),
	string: (s) => s.some((x) => /^string\./.test(x)),
	number: (s) => s.some((x) => /^constant\.numeric\./.test(x)),
	duration: (s) => s.some((x) => /^constant\.numeric\.duration\./.test(x)),
	comment: (s) => s.some((x) => /^comment\./.test(x)),
	"quoted-name": (s) => s.some((x) => /^variable\.other\.quoted\./.test(x)),
	name: (s) => !s.some((x) => /^(keyword\.other|keyword\.operator\.word|constant|string|comment)\b/.test(x)),
	punct: (s) => !s.some((x) => /^(keyword\.other|keyword\.operator\.word|constant|string|comment|variable)\b/.test(x)),
};

let failed = 0;
if (process.env.KEYWORDS) {
	const src = fs.readFileSync(process.env.KEYWORDS, "utf8");
	const table = src.slice(src.indexOf("static const struct keyword keywords[] = {"));
	const words = [...table.slice(0, table.indexOf("};")).matchAll(/\{ "([a-z_0-9]+)", [A-Z_0-9]+ \}/g)]
		.map((m) => m[1]);
	const wrong = words.filter((w) => {
		const alone = grammar.tokenizeLine(w, vsctm.INITIAL).tokens[0].scopes;
		const member = grammar.tokenizeLine(`a.${w}`, vsctm.INITIAL).tokens.at(-1).scopes;
		return !want.keyword(alone) || !want.name(member);
	});
	if (words.length < 50 || wrong.length) {
		failed++;
		console.log(`not ok keywords: ${words.length} in the scanner's table; not keywords in the grammar: ${wrong.join(", ")}`);
	} else {
		console.log(`ok keywords: all ${words.length} of the scanner's table`);
	}
}
for (const file of files) {
	const bytes = fs.readFileSync(file);
	let text;
	try {
		text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
	} catch (e) {
		text = null;
	}
	// Invalid bytes and control characters are pipec's to refuse (golden
	// cases of its error recovery); an editor grammar is checked on text.
	if (text === null || /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) {
		console.log(`# skipped ${file}: not UTF-8 text without control characters`);
		continue;
	}
	// byte offset -> UTF-16 index
	const at = new Int32Array(bytes.length + 1);
	let b = 0;
	for (let i = 0; i < text.length; ) {
		const cp = text.codePointAt(i);
		const n = Buffer.byteLength(String.fromCodePoint(cp));
		for (let k = 0; k < n; k++) at[b + k] = i;
		b += n;
		i += cp > 0xffff ? 2 : 1;
	}
	at[b] = text.length;
	// the scopes of each UTF-16 index of the file
	const scopes = new Array(text.length).fill(null);
	let rule = vsctm.INITIAL, base = 0;
	for (const line of text.split("\n")) {
		const r = grammar.tokenizeLine(line, rule);
		for (const t of r.tokens)
			for (let i = t.startIndex; i < t.endIndex; i++) scopes[base + i] = t.scopes;
		rule = r.ruleStack;
		base += line.length + 1;
	}
	// Text the scanner refuses (exit status 1) has no token; the others
	// are still compared.
	let out;
	try {
		out = execFileSync(pipec, ["debug", "tokens", "--format", "json", file],
			{ encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
	} catch (e) {
		out = e.status === 1 ? e.stdout : "";
	}
	let toks;
	try {
		toks = JSON.parse(out)[0].tokens;
	} catch (e) {
		console.log(`not ok ${file}\n# pipec debug tokens failed`);
		failed++;
		continue;
	}
	const bad = [];
	for (const t of toks) {
		const from = at[t.start], to = at[t.end];
		for (let i = from; i < to; i++) {
			const s = scopes[i] || [];
			if (!want[t.kind](s)) {
				bad.push(`${t.line}:${t.column} ${t.kind} ${JSON.stringify(text.slice(from, to))}: ` +
					`${JSON.stringify(text[i])} has ${s.slice(1).join(" ") || "no scope"}`);
				break;
			}
		}
	}
	if (bad.length) {
		failed++;
		console.log(`not ok ${file}`);
		for (const line of bad.slice(0, 8)) console.log(`# ${line}`);
	} else {
		console.log(`ok ${file} (${toks.length} tokens)`);
	}
}
process.exit(failed ? 1 : 0);
