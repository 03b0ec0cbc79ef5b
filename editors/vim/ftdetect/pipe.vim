" pipec pipeline files
autocmd BufNewFile,BufRead *.pipe setfiletype pipe
