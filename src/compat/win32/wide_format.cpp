// A wide printf format read the Windows way. Each conversion is parsed here, its argument taken
// with the type Windows gives it, and the text produced: strings and characters by hand (so the
// wide/narrow choice and a precision that bounds a non-terminated %.*S are ours), numbers by the C
// library's snprintf with a rebuilt, portable specification.
#include "wide_format.hpp"

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <cwchar>
#include <string_view>

namespace websock::compat::win32 {
namespace {

// The arguments, passed by reference between the helpers: a va_list handed to a function by value
// is indeterminate in the caller after that function used va_arg on it (C11 7.16p3).
struct argument_list {
  va_list list;
};

enum class length_modifier { none, hh, h, l, ll, big_l, j, z, t, i32, i64, i_ptr, w };

struct conversion_spec {
  std::string flags;  // the flag characters, '-' included, as given
  bool left = false;  // '-' given, or a negative '*' width
  int width = -1;     // -1: none
  int precision = -1; // -1: none
  length_modifier length = length_modifier::none;
};

// Which string or character a conversion takes: Windows' wide functions read %s and %c as wide,
// %S and %C as narrow; h forces narrow, l and w force wide.
bool takes_wide(wchar_t conversion, length_modifier length) {
  if (length == length_modifier::h) return false;
  if (length == length_modifier::l || length == length_modifier::w) return true;
  return conversion == L's' || conversion == L'c';
}

void append_ascii(std::wstring& out, const char* text, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) out += static_cast<wchar_t>(static_cast<unsigned char>(text[i]));
}

// "%<flags><width>.<precision><modifier><conversion>" for the narrow snprintf.
std::string narrow_spec(const conversion_spec& spec, const char* modifier, char conversion) {
  std::string result(1, '%');
  result += spec.flags;
  if (spec.width >= 0) result += std::to_string(spec.width);
  if (spec.precision >= 0) {
    result += '.';
    result += std::to_string(spec.precision);
  }
  result += modifier;
  result += conversion;
  return result;
}

template <class Value>
void append_number(std::wstring& out, const std::string& spec, Value value) {
  char small[128];
  const int size = std::snprintf(small, sizeof small, spec.c_str(), value);
  if (size < 0) return;
  if (static_cast<std::size_t>(size) < sizeof small) {
    append_ascii(out, small, static_cast<std::size_t>(size));
    return;
  }
  std::string large(static_cast<std::size_t>(size) + 1, '\0');
  std::snprintf(large.data(), large.size(), spec.c_str(), value);
  append_ascii(out, large.data(), static_cast<std::size_t>(size));
}

void append_padded(std::wstring& out, const conversion_spec& spec, std::wstring_view text) {
  const std::size_t width = spec.width > 0 ? static_cast<std::size_t>(spec.width) : 0;
  const std::size_t fill = width > text.size() ? width - text.size() : 0;
  if (!spec.left) out.append(fill, L' ');
  out.append(text);
  if (spec.left) out.append(fill, L' ');
}

// A narrow string (at most max_bytes of it) in the current locale's encoding, decoded; a byte that
// does not decode becomes '?'.
std::wstring decode_narrow(const char* text, std::size_t max_bytes) {
  std::wstring result;
  std::size_t left = 0;
  while (left < max_bytes && text[left] != '\0') ++left;
  std::mbstate_t state{};
  while (left > 0) {
    wchar_t character = 0;
    const std::size_t used = std::mbrtowc(&character, text, left, &state);
    if (used == 0) break;
    if (used == static_cast<std::size_t>(-1) || used == static_cast<std::size_t>(-2)) {
      result += L'?';
      state = std::mbstate_t{};
      ++text;
      --left;
      continue;
    }
    result += character;
    text += used;
    left -= used;
  }
  return result;
}

void append_string(std::wstring& out, const conversion_spec& spec, bool wide, argument_list& arguments) {
  const std::size_t limit = spec.precision >= 0 ? static_cast<std::size_t>(spec.precision) : SIZE_MAX;
  if (wide) {
    const wchar_t* text = va_arg(arguments.list, const wchar_t*);
    if (text == nullptr) text = L"(null)";
    std::size_t size = 0;
    while (size < limit && text[size] != L'\0') ++size;  // never reads past the precision
    append_padded(out, spec, std::wstring_view(text, size));
    return;
  }
  const char* text = va_arg(arguments.list, const char*);
  if (text == nullptr) text = "(null)";
  std::wstring decoded = decode_narrow(text, limit);
  if (decoded.size() > limit) decoded.resize(limit);
  append_padded(out, spec, decoded);
}

void append_character(std::wstring& out, const conversion_spec& spec, bool wide, argument_list& arguments) {
  const int argument = va_arg(arguments.list, int);  // wchar_t and char both arrive promoted to int
  wchar_t character = 0;
  if (wide) {
    character = static_cast<wchar_t>(argument);
  } else {
    const std::wint_t decoded = std::btowc(static_cast<unsigned char>(argument));
    character = decoded == WEOF ? L'?' : static_cast<wchar_t>(decoded);
  }
  append_padded(out, spec, std::wstring_view(&character, 1));
}

// Integers: Windows' long is 32 bits, so l reads an int; I64 and ll read 64 bits; I (and z, t)
// read a pointer-sized value.
long long signed_argument(length_modifier length, argument_list& arguments) {
  switch (length) {
    case length_modifier::hh: return static_cast<signed char>(va_arg(arguments.list, int));
    case length_modifier::h: return static_cast<short>(va_arg(arguments.list, int));
    case length_modifier::ll:
    case length_modifier::big_l:
    case length_modifier::i64: return va_arg(arguments.list, long long);
    case length_modifier::j: return static_cast<long long>(va_arg(arguments.list, std::intmax_t));
    case length_modifier::z:
    case length_modifier::t:
    case length_modifier::i_ptr: return static_cast<long long>(va_arg(arguments.list, std::ptrdiff_t));
    default: return va_arg(arguments.list, int);
  }
}

unsigned long long unsigned_argument(length_modifier length, argument_list& arguments) {
  switch (length) {
    case length_modifier::hh: return static_cast<unsigned char>(va_arg(arguments.list, unsigned int));
    case length_modifier::h: return static_cast<unsigned short>(va_arg(arguments.list, unsigned int));
    case length_modifier::ll:
    case length_modifier::big_l:
    case length_modifier::i64: return va_arg(arguments.list, unsigned long long);
    case length_modifier::j: return static_cast<unsigned long long>(va_arg(arguments.list, std::uintmax_t));
    case length_modifier::z:
    case length_modifier::t:
    case length_modifier::i_ptr: return static_cast<unsigned long long>(va_arg(arguments.list, std::size_t));
    default: return va_arg(arguments.list, unsigned int);
  }
}

int parse_number(const wchar_t*& cursor) {
  long long value = 0;
  while (*cursor >= L'0' && *cursor <= L'9') {
    if (value < INT_MAX) value = value * 10 + (*cursor - L'0');
    ++cursor;
  }
  return value > INT_MAX ? INT_MAX : static_cast<int>(value);
}

length_modifier parse_length(const wchar_t*& cursor) {
  switch (*cursor) {
    case L'h':
      ++cursor;
      if (*cursor == L'h') return ++cursor, length_modifier::hh;
      return length_modifier::h;
    case L'l':
      ++cursor;
      if (*cursor == L'l') return ++cursor, length_modifier::ll;
      return length_modifier::l;
    case L'L': return ++cursor, length_modifier::big_l;
    case L'j': return ++cursor, length_modifier::j;
    case L'z': return ++cursor, length_modifier::z;
    case L't': return ++cursor, length_modifier::t;
    case L'w': return ++cursor, length_modifier::w;
    case L'I':
      ++cursor;
      if (cursor[0] == L'6' && cursor[1] == L'4') return cursor += 2, length_modifier::i64;
      if (cursor[0] == L'3' && cursor[1] == L'2') return cursor += 2, length_modifier::i32;
      return length_modifier::i_ptr;
    default: return length_modifier::none;
  }
}

// One conversion, the cursor just past its '%'. False if Windows would not accept it.
bool format_conversion(std::wstring& out, const wchar_t*& cursor, argument_list& arguments) {
  conversion_spec spec;
  for (; *cursor != L'\0' && std::wcschr(L"-+ #0", *cursor) != nullptr; ++cursor) {
    if (*cursor == L'-') spec.left = true;
    spec.flags += static_cast<char>(*cursor);
  }
  if (*cursor == L'*') {
    ++cursor;
    const int width = va_arg(arguments.list, int);
    if (width < 0) {  // a negative '*' width means '-' and its magnitude, as in C
      spec.left = true;
      spec.flags += '-';
      spec.width = width == INT_MIN ? INT_MAX : -width;
    } else {
      spec.width = width;
    }
  } else if (*cursor >= L'0' && *cursor <= L'9') {
    spec.width = parse_number(cursor);
  }
  if (*cursor == L'.') {
    ++cursor;
    if (*cursor == L'*') {
      ++cursor;
      const int precision = va_arg(arguments.list, int);
      spec.precision = precision < 0 ? -1 : precision;  // negative: as if none was given
    } else {
      spec.precision = parse_number(cursor);
    }
  }
  spec.length = parse_length(cursor);

  const wchar_t conversion = *cursor;
  if (conversion == L'\0') return false;
  ++cursor;
  switch (conversion) {
    case L'%': out += L'%'; return true;
    case L's':
    case L'S': append_string(out, spec, takes_wide(conversion, spec.length), arguments); return true;
    case L'c':
    case L'C': append_character(out, spec, takes_wide(conversion, spec.length), arguments); return true;
    case L'd':
    case L'i': append_number(out, narrow_spec(spec, "ll", 'd'), signed_argument(spec.length, arguments)); return true;
    case L'o':
    case L'u':
    case L'x':
    case L'X':
      append_number(out, narrow_spec(spec, "ll", static_cast<char>(conversion)),
                    unsigned_argument(spec.length, arguments));
      return true;
    case L'e':
    case L'E':
    case L'f':
    case L'F':
    case L'g':
    case L'G':
    case L'a':
    case L'A':
      if (spec.length == length_modifier::big_l) {
        append_number(out, narrow_spec(spec, "L", static_cast<char>(conversion)), va_arg(arguments.list, long double));
      } else {
        append_number(out, narrow_spec(spec, "", static_cast<char>(conversion)), va_arg(arguments.list, double));
      }
      return true;
    case L'p': {
      // Windows prints a pointer as all its hexadecimal digits, upper case, no "0x".
      conversion_spec digits = spec;
      digits.precision = static_cast<int>(2 * sizeof(void*));
      const auto address = reinterpret_cast<std::uintptr_t>(va_arg(arguments.list, void*));
      append_number(out, narrow_spec(digits, "ll", 'X'), static_cast<unsigned long long>(address));
      return true;
    }
    case L'n':
      // The Windows C runtime refuses %n unless the program opts in; the argument is taken so
      // the ones after it stay in place, and nothing is stored.
      (void)va_arg(arguments.list, void*);
      return true;
    default: return false;
  }
}

// Every conversion of the format, in order.
bool format_all(std::wstring& out, const wchar_t* format, argument_list& arguments) {
  const wchar_t* cursor = format;
  while (*cursor != L'\0') {
    const wchar_t* percent = std::wcschr(cursor, L'%');
    if (percent == nullptr) {
      out.append(cursor);
      return true;
    }
    out.append(cursor, static_cast<std::size_t>(percent - cursor));
    cursor = percent + 1;
    if (!format_conversion(out, cursor, arguments)) return false;
  }
  return true;
}

}  // namespace

bool format_wide(std::wstring& out, const wchar_t* format, va_list arguments) {
  argument_list copy;
  va_copy(copy.list, arguments);
  const bool accepted = format_all(out, format, copy);
  va_end(copy.list);
  return accepted;
}

std::string to_multibyte(const std::wstring& text) {
  std::string result;
  result.reserve(text.size());
  std::mbstate_t state{};
  char bytes[MB_LEN_MAX];
  for (const wchar_t character : text) {
    const std::size_t size = std::wcrtomb(bytes, character, &state);
    if (size == static_cast<std::size_t>(-1)) {
      result += '?';
      state = std::mbstate_t{};
    } else {
      result.append(bytes, size);
    }
  }
  return result;
}

}  // namespace websock::compat::win32
