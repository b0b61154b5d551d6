// main() for programs whose entry point is wmain, as Windows programs' often is (also _tmain
// with _UNICODE). Linked from the static library websock_wmain: an archive member is pulled in
// only to resolve an undefined symbol, so a program that defines its own main never gets this one.
//
// The program's wmain is found through weak references to every form it is written in: C
// (symbol "wmain", whatever its parameters) and the C++ overloads wmain(), wmain(int, wchar_t**),
// wmain(int, wchar_t**, wchar_t**) and wmain(int, const wchar_t**). The C form is called with all
// three arguments; a C wmain declaring fewer parameters ignores the rest, as C main does.
//
// Arguments and environment are converted from the environment's locale (LANG, LC_*), the way the
// terminal produced them; the program itself starts in the "C" locale, as a Windows program does.
// A byte sequence that does not decode becomes U+FFFD.
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <string>
#include <vector>

extern "C" int websock_c_wmain(int, wchar_t**, wchar_t**) __asm__("wmain") __attribute__((weak));
int wmain() __attribute__((weak));
int wmain(int, wchar_t**) __attribute__((weak));
int wmain(int, wchar_t**, wchar_t**) __attribute__((weak));
int wmain(int, const wchar_t**) __attribute__((weak));

extern char** environ;

namespace {

std::wstring widen(const char* text) {
  std::wstring result;
  std::size_t left = std::strlen(text);
  std::mbstate_t state{};
  while (left > 0) {
    wchar_t character = 0;
    const std::size_t used = std::mbrtowc(&character, text, left, &state);
    if (used == static_cast<std::size_t>(-1) || used == static_cast<std::size_t>(-2)) {
      result += L'\xFFFD';
      state = std::mbstate_t{};
      ++text;
      --left;
      continue;
    }
    if (used == 0) break;
    result += character;
    text += used;
    left -= used;
  }
  return result;
}

// Owns the wide strings; pointers() is the NULL-terminated array wmain receives.
class wide_strings {
 public:
  explicit wide_strings(char** narrow) {
    for (char** entry = narrow; entry != nullptr && *entry != nullptr; ++entry) strings_.push_back(widen(*entry));
    for (auto& string : strings_) pointers_.push_back(string.data());
    pointers_.push_back(nullptr);
  }
  wchar_t** pointers() { return pointers_.data(); }

 private:
  std::vector<std::wstring> strings_;
  std::vector<wchar_t*> pointers_;
};

}  // namespace

int main(int argc, char** argv) {
  std::setlocale(LC_CTYPE, "");
  wide_strings arguments(argv);
  wide_strings environment(environ);
  std::setlocale(LC_CTYPE, "C");

  if (websock_c_wmain != nullptr) return websock_c_wmain(argc, arguments.pointers(), environment.pointers());
  if (static_cast<int (*)(int, wchar_t**, wchar_t**)>(wmain) != nullptr) {
    return wmain(argc, arguments.pointers(), environment.pointers());
  }
  if (static_cast<int (*)(int, wchar_t**)>(wmain) != nullptr) return wmain(argc, arguments.pointers());
  if (static_cast<int (*)(int, const wchar_t**)>(wmain) != nullptr) {
    return wmain(argc, const_cast<const wchar_t**>(arguments.pointers()));
  }
  if (static_cast<int (*)()>(wmain) != nullptr) return wmain();
  std::fputs("websock_wmain: the program defines neither main nor wmain\n", stderr);
  return EXIT_FAILURE;
}
