" pipec pipeline files: '#' comments, two-space indentation as 'pipec fmt'
" writes it, folding on braces.
if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

setlocal comments=:# commentstring=#\ %s
setlocal expandtab shiftwidth=2 softtabstop=2
setlocal foldmethod=syntax
setlocal formatoptions-=t formatoptions+=croql

let b:undo_ftplugin = "setlocal comments< commentstring< expandtab< shiftwidth< softtabstop< foldmethod< formatoptions<"
