# Warnings for every target of ours, applied through this interface library.
add_library(websock_warnings INTERFACE)
target_compile_options(websock_warnings INTERFACE
  $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wno-missing-field-initializers>
  $<$<COMPILE_LANG_AND_ID:C,GNU,Clang>:-Wall -Wextra -Wpedantic>
  $<$<BOOL:${WEBSOCK_WERROR}>:-Werror>)
