// Files under a root directory for GET and HEAD: confinement, validators, conditional requests
// and single byte ranges. The answer names an open file and the byte range to send; the driver
// streams it in bounded pieces (read_file_piece, or sendfile on reply.file), never whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <span>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/unique_fd.hpp"

namespace websock::http {

struct static_options {
  std::string root;
  std::string index_file = "index.html";  // served for a directory
  bool allow_symlinks_out = false;  // follow links whose target is outside the root
  bool allow_dotfiles = false;
  // openat2(RESOLVE_BENEATH) where the kernel has it. Off: plain openat, and the check of the
  // opened file's real path alone (as on kernels before 5.6, or where seccomp forbids openat2).
  bool kernel_beneath = true;
};

struct file_reply {
  response_head head;       // status, headers and content_length, ready for write_head
  std::string body;         // the short text of an error reply (404, 405, 416); else empty
  unique_fd file;           // open only when file bytes are to be sent (GET 200/206)
  std::uint64_t offset = 0;     // next byte of the file to send
  std::uint64_t remaining = 0;  // bytes of the file still to send
  std::uint64_t file_size = 0;  // the whole file (also for HEAD, 304 and 416)
  std::time_t mtime = 0;
};

class static_files {
 public:
  explicit static_files(static_options options);

  // False when the root could not be opened; every request then gets 404.
  bool ok() const noexcept { return static_cast<bool>(root_fd_); }

  // Any method; only GET and HEAD are served (405 with Allow otherwise). `path` is the raw
  // (still percent-encoded) path of the target (split_target).
  file_reply serve(std::string_view method, std::string_view path, const header_list& headers) const;
  file_reply serve(const request& r) const;

 private:
  unique_fd open_confined(const std::string& relative) const;
  bool inside_root(int fd) const;

  static_options options_;
  std::string real_root_;
  unique_fd root_fd_;
};

// Reads up to buf.size() bytes of the reply's range into buf (pread: the descriptor's offset is
// not used), advancing offset and remaining. 0 at the end of the range or on a read error (the
// driver then closes: the promised length cannot be kept).
std::size_t read_file_piece(file_reply& reply, std::span<char> buf);

}  // namespace websock::http
