" Vim syntax file
" Language:    pipec pipeline (.pipe)
" Maintainer:  pipec
" Token shapes follow pipec's scanner (grammar/lexer.l) and its keyword
" table (compiler/parse.c); suite 88-editors checks this file against
" 'pipec debug tokens' on every example.  A keyword right after '.' is a
" name part (lake.pipeline), as in the scanner.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match

" names: plain, hyphenated (an error pipec reports, read as one name), members
syn match   pipeName        "\<\w\+\%(-\w\+\)*"
syn match   pipeType        "\%(\.\|\w-\)\@<!\<\%(string\|boolean\|tinyint\|smallint\|int\|integer\|bigint\|float\|double\|decimal\|date\|timestamp\|binary\|array\|map\|struct\)\>\%(-\w\)\@!"
syn match   pipeFunction    "\<\h\w*\ze("

syn match   pipeKeyword     "\%(\.\|\w-\)\@<!\<\%(after\|aggregate\|alerts\|as\|by\|case\|cast\|column_count\|columns\|completeness\|create\|cron\|dedupe\|defaults\|demand\|derive\|description\|distinct_count\|drop\|else\|end\|event\|every\|expect\|failure\|files\|filter\|freshness\|from\|if\|incremental\|initial\|job\|join\|lag\|length\|mean\|missing\|mode\|new\|not_null\|on\|order\|partition\|pipeline\|required\|row_count\|s3\|sample\|schedule\|source\|stddev\|sum\|target\|then\|unique\|uniqueness\|validate\|when\|within\)\>\%(-\w\)\@!"
syn match   pipeOperatorWord "\%(\.\|\w-\)\@<!\<\%(and\|between\|in\|is\|matches\|not\|or\)\>\%(-\w\)\@!"
syn match   pipeConstant    "\%(\.\|\w-\)\@<!\<\%(false\|null\|true\)\>\%(-\w\)\@!"

syn match   pipeOperator    "!=\|<=\|>=\|==\|[=<>+*/%-]"
syn match   pipeNumber      "\w\@<!-\=\%(\d\+\.\d\+\|\d\+\w\@!\)"
syn match   pipeDuration    "\w\@<!\d\+[smhd]\%(\w\|-\w\)\@!"

syn region  pipeString      start=+"+ skip=+\\.+ end=+"+ end=+$+ oneline contains=pipeInterpolation,pipeEscape
syn match   pipeInterpolation "\${\h\w*}" contained
syn match   pipeEscape      "\\\%(u{\x\{1,6}}\|.\)" contained
syn match   pipeSingleQuoted "'[^'\n]*'\="
syn match   pipeQuotedName  "`[^`\n]*`"

syn keyword pipeTodo        TODO FIXME XXX contained
syn match   pipeComment     "#.*$" contains=pipeTodo

hi def link pipeKeyword       Keyword
hi def link pipeOperatorWord  Operator
hi def link pipeConstant      Boolean
hi def link pipeOperator      Operator
hi def link pipeNumber        Number
hi def link pipeDuration      Number
hi def link pipeString        String
hi def link pipeSingleQuoted  Error
hi def link pipeInterpolation Identifier
hi def link pipeEscape        SpecialChar
hi def link pipeQuotedName    Identifier
hi def link pipeType          Type
hi def link pipeFunction      Function
hi def link pipeComment       Comment
hi def link pipeTodo          Todo

let b:current_syntax = "pipe"

let &cpo = s:cpo_save
unlet s:cpo_save
