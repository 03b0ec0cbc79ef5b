" Writes the syntax group of every byte of the current buffer to the file
" named by $VIM_DUMP: one line per byte, 'LINE COL GROUP' (GROUP '-' when
" none), after a first line with the buffer's filetype.
let s:out = ['filetype ' . &filetype]
for s:l in range(1, line('$'))
  let s:len = strlen(getline(s:l))
  for s:c in range(1, s:len)
    let s:name = synIDattr(synID(s:l, s:c, 1), 'name')
    call add(s:out, s:l . ' ' . s:c . ' ' . (s:name == '' ? '-' : s:name))
  endfor
endfor
call writefile(s:out, $VIM_DUMP)
