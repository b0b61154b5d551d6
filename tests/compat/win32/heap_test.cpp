// The process heap: HeapAlloc/HeapReAlloc/HeapFree/HeapSize with the flags programs pass.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include <windows.h>

namespace {

bool all_zero(const void* memory, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(memory);
  for (std::size_t i = 0; i < size; ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

TEST(Heap, AllocReportsItsSizeAndZeroesOnRequest) {
  HANDLE heap = GetProcessHeap();
  ASSERT_NE(heap, nullptr);
  void* block = HeapAlloc(heap, HEAP_ZERO_MEMORY, 100);
  ASSERT_NE(block, nullptr);
  EXPECT_TRUE(all_zero(block, 100));
  EXPECT_EQ(HeapSize(heap, 0, block), 100u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(block) % alignof(std::max_align_t), 0u) << "malloc's alignment";
  EXPECT_TRUE(HeapFree(heap, 0, block));
}

TEST(Heap, ReAllocKeepsTheBytesAndZeroesTheNewOnesOnRequest) {
  HANDLE heap = GetProcessHeap();
  auto* block = static_cast<unsigned char*>(HeapAlloc(heap, 0, 8));
  ASSERT_NE(block, nullptr);
  std::memset(block, 0xAB, 8);
  auto* grown = static_cast<unsigned char*>(HeapReAlloc(heap, HEAP_ZERO_MEMORY, block, 4096));
  ASSERT_NE(grown, nullptr);
  EXPECT_EQ(grown[0], 0xAB);
  EXPECT_EQ(grown[7], 0xAB);
  EXPECT_TRUE(all_zero(grown + 8, 4096 - 8));
  EXPECT_EQ(HeapSize(heap, 0, grown), 4096u);
  EXPECT_TRUE(HeapFree(heap, 0, grown));
}

TEST(Heap, InPlaceOnlyShrinksButNeverMoves) {
  HANDLE heap = GetProcessHeap();
  void* block = HeapAlloc(heap, 0, 64);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(HeapReAlloc(heap, HEAP_REALLOC_IN_PLACE_ONLY, block, 32), block);
  EXPECT_EQ(HeapSize(heap, 0, block), 32u);
  EXPECT_EQ(HeapReAlloc(heap, HEAP_REALLOC_IN_PLACE_ONLY, block, 1 << 20), nullptr);
  EXPECT_EQ(HeapSize(heap, 0, block), 32u) << "the failed call left the block alone";
  EXPECT_TRUE(HeapFree(heap, 0, block));
}

TEST(Heap, NullAndHugeRequests) {
  HANDLE heap = GetProcessHeap();
  EXPECT_TRUE(HeapFree(heap, 0, nullptr));
  EXPECT_EQ(HeapReAlloc(heap, 0, nullptr, 16), nullptr);
  EXPECT_EQ(HeapSize(heap, 0, nullptr), static_cast<SIZE_T>(-1));
  EXPECT_EQ(HeapAlloc(heap, 0, static_cast<SIZE_T>(-1)), nullptr);
}

}  // namespace
