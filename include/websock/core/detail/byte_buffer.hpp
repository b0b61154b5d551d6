// A growable byte array that, unlike std::vector<std::byte>, does not zero the bytes it adds:
// the outbox is filled by memcpy right after growing, so zeroing first would be wasted work on
// the hot send path.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>

namespace websock::core::detail {

class byte_buffer {
 public:
  byte_buffer() = default;
  byte_buffer(byte_buffer&&) noexcept = default;
  byte_buffer& operator=(byte_buffer&&) noexcept = default;

  std::byte* data() noexcept { return data_.get(); }
  const std::byte* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  void clear() noexcept { size_ = 0; }
  // Drops the bytes from `n` on (a no-op when n >= size()).
  void truncate(std::size_t n) noexcept {
    if (n < size_) size_ = n;
  }

  // Adds n uninitialised bytes at the end and returns where they start.
  std::byte* extend(std::size_t n) {
    if (capacity_ - size_ < n) grow(n);
    std::byte* at = data_.get() + size_;
    size_ += n;
    return at;
  }

  // Makes room for `total` bytes in all with one allocation of exactly that size (a message whose
  // size the frame header told), instead of doubling step by step.
  void reserve_exact(std::size_t total) {
    if (total <= capacity_) return;
    auto fresh = std::unique_ptr<std::byte[]>(new std::byte[total]);
    if (size_ != 0) std::memcpy(fresh.get(), data_.get(), size_);
    data_ = std::move(fresh);
    capacity_ = total;
  }

  void append(const std::byte* p, std::size_t n) {
    if (n != 0) std::memcpy(extend(n), p, n);
  }

  // Hands the storage over (the buffer is then empty, with no capacity).
  std::unique_ptr<std::byte[]> release() noexcept {
    size_ = 0;
    capacity_ = 0;
    return std::move(data_);
  }

  // Drops the first n bytes.
  void erase_front(std::size_t n) noexcept {
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
  }

  // Gives memory back when the buffer holds nothing and has grown past `keep` bytes.
  void release_if_larger(std::size_t keep) noexcept {
    if (size_ == 0 && capacity_ > keep) {
      data_.reset();
      capacity_ = 0;
    }
  }

 private:
  void grow(std::size_t n) {
    std::size_t cap = capacity_ < 256 ? 256 : capacity_;
    while (cap - size_ < n) cap *= 2;
    auto fresh = std::unique_ptr<std::byte[]>(new std::byte[cap]);
    if (size_ != 0) std::memcpy(fresh.get(), data_.get(), size_);
    data_ = std::move(fresh);
    capacity_ = cap;
  }

  std::unique_ptr<std::byte[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace websock::core::detail
