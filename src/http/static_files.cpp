#include "http/static_files.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <algorithm>

#include "http/conditional.hpp"
#include "http/http_date.hpp"
#include "http/mime.hpp"
#include "http/range.hpp"
#include "http/static_path.hpp"
#include "http/target.hpp"

namespace websock::http {
namespace {

constexpr int open_flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;  // no hang on a FIFO

file_reply text_reply(int status, std::string_view text) {
  file_reply r;
  r.head.status = status;
  r.head.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
  r.body = text;
  r.head.content_length = r.body.size();
  return r;
}

// Every refusal of a path is the same 404, whichever rule refused it: a peer probing the
// confinement learns nothing from the answer.
file_reply not_found() { return text_reply(404, "not found\n"); }

// openat2 with RESOLVE_BENEATH refuses, in the kernel and without a race, any path whose
// resolution leaves the directory (.., absolute or outside symlinks). Older kernels: plain
// openat, and the check on the opened file (inside_root) alone.
int open_beneath(int dir, const char* name, bool beneath) {
#ifdef SYS_openat2
  if (beneath) {
    open_how how{};
    how.flags = static_cast<unsigned long long>(open_flags);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    const long fd = ::syscall(SYS_openat2, dir, name, &how, sizeof how);
    if (fd >= 0 || errno != ENOSYS) return static_cast<int>(fd);
  }
#endif
  return ::openat(dir, name, open_flags);
}

}  // namespace

static_files::static_files(static_options options) : options_(std::move(options)) {
  char* real = ::realpath(options_.root.c_str(), nullptr);
  if (real == nullptr) return;
  real_root_ = real;
  std::free(real);
  root_fd_.reset(::open(real_root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

// The opened file's real path (the kernel's, through /proc) must lie under the real root;
// when /proc cannot tell, the file is refused.
bool static_files::inside_root(int fd) const {
  if (options_.allow_symlinks_out) return true;
  char link[32];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char buf[PATH_MAX];
  const ssize_t n = ::readlink(link, buf, sizeof buf);
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buf) return false;
  const std::string_view path(buf, static_cast<std::size_t>(n));
  if (real_root_ == "/") return true;
  return path == real_root_ ||
         (path.starts_with(real_root_) && path[real_root_.size()] == '/');
}

unique_fd static_files::open_confined(const std::string& relative) const {
  const char* name = relative.empty() ? "." : relative.c_str();
  unique_fd fd(open_beneath(root_fd_.get(), name,
                           options_.kernel_beneath && !options_.allow_symlinks_out));
  if (!fd || !inside_root(fd.get())) return {};
  return fd;
}

file_reply static_files::serve(const request& r) const {
  return serve(r.method, split_target(r.target).path, r.headers);
}

file_reply static_files::serve(std::string_view method, std::string_view path,
                               const header_list& headers) const {
  const bool is_get = method == "GET";
  if (!is_get && method != "HEAD") {
    file_reply r = text_reply(405, "method not allowed\n");
    r.head.headers.push_back({"Allow", "GET, HEAD"});
    return r;
  }
  if (!ok()) return not_found();
  const auto rel = resolve_static_path(path, {options_.allow_dotfiles});
  if (!rel) return not_found();

  unique_fd fd = open_confined(rel->path);
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0) return not_found();
  std::string name = rel->path;
  if (S_ISDIR(st.st_mode)) {
    name = name.empty() ? options_.index_file : name + "/" + options_.index_file;
    fd = open_confined(name);
    if (!fd || ::fstat(fd.get(), &st) != 0) return not_found();
  } else if (rel->directory_form) {
    return not_found();  // "/file.txt/" names a directory that is not there
  }
  if (!S_ISREG(st.st_mode)) return not_found();  // devices, FIFOs, sockets

  const auto size = static_cast<std::uint64_t>(st.st_size);
  const std::time_t mtime = st.st_mtim.tv_sec;
  const std::string etag = make_etag(size, mtime, st.st_mtim.tv_nsec);

  file_reply out;
  out.file_size = size;
  out.mtime = mtime;
  auto& h = out.head.headers;
  h.push_back({"ETag", etag});
  h.push_back({"Last-Modified", format_http_date(mtime)});
  if (is_not_modified(headers, etag, mtime)) {
    out.head.status = 304;
    return out;
  }
  h.push_back({"Accept-Ranges", "bytes"});

  out.head.status = 200;
  out.offset = 0;
  out.remaining = size;
  // RFC 9110 14.2: only GET has range semantics; a HEAD answers as the plain GET would.
  const auto* range = core::find_header(headers, "Range");
  if (is_get && range != nullptr && core::count_header(headers, "Range") == 1 &&
      if_range_allows(headers, etag, mtime)) {
    const range_result rr = evaluate_range(range->value, size);
    if (rr.outcome == range_outcome::unsatisfiable) {
      file_reply r = text_reply(416, "range not satisfiable\n");
      r.head.headers.push_back({"Content-Range", "bytes */" + std::to_string(size)});
      r.head.headers.push_back({"Accept-Ranges", "bytes"});
      r.file_size = size;
      r.mtime = mtime;
      return r;
    }
    if (rr.outcome == range_outcome::partial) {
      out.head.status = 206;
      out.offset = rr.first;
      out.remaining = rr.length;
      h.push_back({"Content-Range", "bytes " + std::to_string(rr.first) + "-" +
                                        std::to_string(rr.first + rr.length - 1) + "/" +
                                        std::to_string(size)});
    }
  }
  h.push_back({"Content-Type", std::string(content_type_for(name))});
  out.head.content_length = out.remaining;
  if (is_get) {
    out.file = std::move(fd);
  } else {
    out.remaining = 0;  // HEAD: the file is never read
  }
  return out;
}

std::size_t read_file_piece(file_reply& reply, std::span<char> buf) {
  if (!reply.file || reply.remaining == 0 || buf.empty()) return 0;
  const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), reply.remaining));
  ssize_t n;
  do {
    n = ::pread(reply.file.get(), buf.data(), want, static_cast<off_t>(reply.offset));
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return 0;
  reply.offset += static_cast<std::uint64_t>(n);
  reply.remaining -= static_cast<std::uint64_t>(n);
  return static_cast<std::size_t>(n);
}

}  // namespace websock::http
