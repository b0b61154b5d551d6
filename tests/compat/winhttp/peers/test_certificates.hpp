// TestCertificates: a throw-away CA and three server certificates for py_peer.py --tls, made with the
// openssl CLI in a fresh directory ($TMPDIR or /tmp, "winhttp-certs-XXXXXX") that the destructor
// removes. Every key is EC P-256, unencrypted PEM.
//
//   winhttp_test::TestCertificates certs;
//   winhttp_test::PeerProcess peer({"--tls", certs.server.cert, certs.server.key});
//
// Members (absolute paths):
//   directory        the temporary directory
//   ca_cert          ca.pem: self-signed CA "websock winhttp test CA", valid 30 days from now; trust it
//   server           localhost.pem/.key: CN localhost, SAN DNS:localhost + IP:127.0.0.1, valid 30 days
//   wrong_name       wrong-name.pem/.key: CN and SAN DNS:wrong-name.invalid, valid 30 days
//   expired          expired.pem/.key: names as `server`, valid 2020-01-01 to 2020-02-01 only
// All three are issued by ca_cert, with basicConstraints CA:FALSE and extendedKeyUsage serverAuth.
// The expired one needs `openssl ca -startdate/-enddate` (openssl 3.0's x509 and req have no way to
// date a certificate in the past), hence the small CA database of `openssl ca` in the directory.
//
// The constructor throws std::runtime_error naming the openssl step that failed, with its output.
// Not copyable or movable.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

extern char** environ;

namespace winhttp_test {

struct CertificateFiles {
  std::string cert;  // PEM certificate
  std::string key;   // PEM private key
};

class TestCertificates {
 public:
  std::string directory;
  std::string ca_cert;
  CertificateFiles server;
  CertificateFiles wrong_name;
  CertificateFiles expired;

  TestCertificates() {
    directory = make_directory();
    try {
      make_all();
    } catch (...) {
      remove_directory();
      throw;
    }
  }

  ~TestCertificates() { remove_directory(); }

  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

 private:
  void make_all() {
    write("ca.cnf",
          "[ca]\ndefault_ca = test_ca\n"
          "[test_ca]\n"
          "database = " + path("index.txt") + "\n"
          "new_certs_dir = " + directory + "\n"
          "serial = " + path("serial.txt") + "\n"
          "default_md = sha256\npolicy = any_name\nunique_subject = no\n"
          "[any_name]\ncommonName = supplied\n");
    write("index.txt", "");
    write("serial.txt", "1000\n");
    const std::string leaf_usage =
        "basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n"
        "extendedKeyUsage = serverAuth\n";
    write("localhost.ext", leaf_usage + "subjectAltName = DNS:localhost, IP:127.0.0.1\n");
    write("wrong-name.ext", leaf_usage + "subjectAltName = DNS:wrong-name.invalid\n");

    ca_cert = path("ca.pem");
    run("the CA", {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                   "-keyout", path("ca.key"), "-out", ca_cert, "-days", "30", "-subj", "/CN=websock winhttp test CA",
                   "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
    server = issue("localhost", "localhost", "localhost.ext", {"-days", "30"});
    wrong_name = issue("wrong-name", "wrong-name.invalid", "wrong-name.ext", {"-days", "30"});
    expired = issue("expired", "localhost", "localhost.ext", {"-startdate", "200101000000Z", "-enddate", "200201000000Z"});
  }

  CertificateFiles issue(const std::string& name, const std::string& common_name, const std::string& extensions,
                         const std::vector<std::string>& validity) {
    CertificateFiles files{path(name + ".pem"), path(name + ".key")};
    run(name + " request", {"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                            "-keyout", files.key, "-out", path(name + ".csr"), "-subj", "/CN=" + common_name});
    std::vector<std::string> sign{"openssl", "ca", "-batch", "-notext", "-config", path("ca.cnf"), "-cert", ca_cert,
                                  "-keyfile", path("ca.key"), "-in", path(name + ".csr"), "-out", files.cert,
                                  "-extfile", path(extensions)};
    sign.insert(sign.end(), validity.begin(), validity.end());
    run(name + " certificate", sign);
    return files;
  }

  // Runs one openssl command, its stdout and stderr in openssl.log; throws with that log on failure.
  void run(const std::string& step, std::vector<std::string> words) {
    const std::string log = path("openssl.log");
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    pid_t pid = -1;
    const int spawned = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
      throw std::runtime_error("TestCertificates: cannot run openssl (Debian package openssl): " +
                               std::string(std::strerror(spawned)));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::ifstream in(log);
      const std::string output{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      throw std::runtime_error("TestCertificates: openssl failed making " + step + ":\n" + output);
    }
  }

  static std::string make_directory() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/winhttp-certs-XXXXXX";
    if (!::mkdtemp(pattern.data()))
      throw std::runtime_error("TestCertificates: mkdtemp " + pattern + ": " + std::strerror(errno));
    return pattern;
  }

  void remove_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(directory, ignored);
  }

  std::string path(const std::string& name) const { return directory + "/" + name; }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream out(path(name));
    out << text;
    if (!out.flush()) throw std::runtime_error("TestCertificates: cannot write " + path(name));
  }
};

}  // namespace winhttp_test
