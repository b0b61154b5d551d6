// The process heap over the C library's allocator. Each block starts with a header holding the
// size the caller asked for: HeapSize reports it and HeapReAlloc(HEAP_ZERO_MEMORY) knows which
// bytes are new. The header is one max_align_t wide so the caller's bytes keep malloc's alignment.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <limits>

#include <windows.h>

namespace {

struct alignas(std::max_align_t) block_header {
  SIZE_T size;
};
constexpr std::size_t header_size = sizeof(block_header);

// Any non-NULL value works: there is one heap. This one is recognisable in a debugger.
HANDLE const process_heap = reinterpret_cast<HANDLE>(static_cast<UINT_PTR>(0x4eab));

block_header* header_of(LPCVOID memory) {
  return reinterpret_cast<block_header*>(const_cast<char*>(static_cast<const char*>(memory)) - header_size);
}

void* user_part(block_header* header) { return reinterpret_cast<char*>(header) + header_size; }

bool too_big(SIZE_T bytes) { return bytes > std::numeric_limits<SIZE_T>::max() - header_size; }

}  // namespace

extern "C" HANDLE WINAPI GetProcessHeap(VOID) { return process_heap; }

extern "C" LPVOID WINAPI HeapAlloc(HANDLE /*hHeap*/, DWORD dwFlags, SIZE_T dwBytes) {
  if (too_big(dwBytes)) return nullptr;
  void* raw = (dwFlags & HEAP_ZERO_MEMORY) != 0 ? std::calloc(1, header_size + dwBytes)
                                                : std::malloc(header_size + dwBytes);
  if (raw == nullptr) return nullptr;
  auto* header = static_cast<block_header*>(raw);
  header->size = dwBytes;
  return user_part(header);
}

extern "C" LPVOID WINAPI HeapReAlloc(HANDLE /*hHeap*/, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes) {
  if (lpMem == nullptr || too_big(dwBytes)) return nullptr;
  block_header* header = header_of(lpMem);
  const SIZE_T old_size = header->size;
  if ((dwFlags & HEAP_REALLOC_IN_PLACE_ONLY) != 0) {
    if (dwBytes > old_size) return nullptr;  // growing in place is not possible over realloc
    header->size = dwBytes;
    return lpMem;
  }
  void* raw = std::realloc(header, header_size + dwBytes);
  if (raw == nullptr) return nullptr;  // the old block stays valid, as on Windows
  header = static_cast<block_header*>(raw);
  header->size = dwBytes;
  if ((dwFlags & HEAP_ZERO_MEMORY) != 0 && dwBytes > old_size) {
    std::memset(static_cast<char*>(user_part(header)) + old_size, 0, dwBytes - old_size);
  }
  return user_part(header);
}

extern "C" BOOL WINAPI HeapFree(HANDLE /*hHeap*/, DWORD /*dwFlags*/, LPVOID lpMem) {
  if (lpMem != nullptr) std::free(header_of(lpMem));
  return TRUE;
}

extern "C" SIZE_T WINAPI HeapSize(HANDLE /*hHeap*/, DWORD /*dwFlags*/, LPCVOID lpMem) {
  if (lpMem == nullptr) return static_cast<SIZE_T>(-1);
  return header_of(lpMem)->size;
}
