# WEBSOCK_SANITIZE=address,undefined | thread: applied to everything built here.
if(WEBSOCK_SANITIZE)
  set(_san -fsanitize=${WEBSOCK_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_compile_options(${_san})
  add_link_options(${_san})
endif()
