#!/usr/bin/python3
"""`serve --static DIR` never answers with a file outside DIR, whatever the target's spelling
(docs/audit.md, "Static files stay inside the directory")."""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from auditlib import CheckFailed, http, main_with_server, require  # noqa: E402

PASSWD = open("/etc/passwd", "rb").read()
SECRET = b"audit secret outside the static directory\n"
INSIDE = b"inside the static directory\n"
UP = 12  # more ".." than any temp directory is deep: "/" stays "/"
SECRET_PATH = None  # the secret's absolute path without its leading "/", set by main


def refused(srv, target, leaked):
    r = http(srv.port, target)
    require(r.status in (400, 404), "%s answered %d (%d bytes)" % (target, r.status, len(r.body)))
    require(leaked not in r.body, "%s returned the file's bytes" % target)


def refused_all(srv, targets):
    problems = []
    for target, leaked in targets:
        try:
            refused(srv, target, leaked)
        except CheckFailed as e:
            problems.append(str(e))
    require(not problems, "; ".join(problems))


def absolute_path_by_double_slash_is_refused(srv):
    refused_all(srv, [("//etc/passwd", PASSWD), ("//" + SECRET_PATH, SECRET)])


def absolute_path_by_encoded_slash_is_refused(srv):
    targets = [("/%2Fetc%2Fpasswd", PASSWD), ("/%2fetc%2fpasswd", PASSWD),
               ("/" + SECRET_PATH.replace("/", "%2F"), SECRET)]
    if os.path.getsize("/etc/hostname") > 0:
        targets.append(("/%2Fetc%2Fhostname", open("/etc/hostname", "rb").read()))
    refused_all(srv, targets)


def symlink_out_of_the_directory_is_refused(srv):
    refused_all(srv, [("/passwd-link", PASSWD), ("/secret-link", SECRET), ("/sub/up-link", SECRET)])


def encoded_dot_segments_are_refused(srv):
    refused_all(srv, [("/" + "..%2f" * UP + "etc/passwd", PASSWD),
                      ("/" + "..%2F" * UP + "etc%2Fpasswd", PASSWD),
                      ("/" + "%2e%2e/" * UP + "etc/passwd", PASSWD),
                      ("/" + "%2E%2e/" * UP + "etc/passwd", PASSWD),
                      ("/" + ".%2e/" * UP + "etc/passwd", PASSWD),
                      ("/%2e%2e/secret.txt", SECRET),
                      ("/../secret.txt", SECRET),
                      ("/sub/../../secret.txt", SECRET),
                      ("/" + "../" * UP + "etc/passwd", PASSWD)])


def backslash_is_refused(srv):
    refused_all(srv, [("/" + "..\\" * UP + "etc\\passwd", PASSWD),
                      ("/..\\secret.txt", SECRET),
                      ("/" + "..%5c" * UP + "etc%5cpasswd", PASSWD),
                      ("/..%5Csecret.txt", SECRET)])


def nul_byte_is_refused(srv):
    refused_all(srv, [("/inside.txt%00", INSIDE), ("/inside.txt%00.html", INSIDE),
                      ("/%00/../secret.txt", SECRET), ("/..%00/secret.txt", SECRET)])


def double_encoding_is_decoded_once(srv):
    # %252e is "%2e" after one decoding; only a second decoding would make it a dot.
    refused_all(srv, [("/" + "%252e%252e/" * UP + "etc/passwd", PASSWD),
                      ("/%252e%252e/secret.txt", SECRET),
                      ("/%252e%252e%252fsecret.txt", SECRET),
                      ("/" + "%252e%252e%252f" * UP + "etc%252fpasswd", PASSWD)])


def file_inside_is_served(srv):
    r = http(srv.port, "/inside.txt")
    require(r.status == 200 and r.body == INSIDE, "/inside.txt answered %d %r" % (r.status, r.body[:60]))
    r = http(srv.port, "/sub/inner.txt")
    require(r.status == 200 and r.body == INSIDE, "/sub/inner.txt answered %d" % r.status)


CHECKS = [
    ("absolute_path_by_double_slash_is_refused", absolute_path_by_double_slash_is_refused, "A"),
    ("absolute_path_by_encoded_slash_is_refused", absolute_path_by_encoded_slash_is_refused, "A"),
    ("symlink_out_of_the_directory_is_refused", symlink_out_of_the_directory_is_refused, "A"),
    ("encoded_dot_segments_are_refused", encoded_dot_segments_are_refused, "B"),
    ("backslash_is_refused", backslash_is_refused, "B"),
    ("nul_byte_is_refused", nul_byte_is_refused, "B"),
    ("double_encoding_is_decoded_once", double_encoding_is_decoded_once, "B"),
    ("file_inside_is_served", file_inside_is_served, "B"),
]


def main():
    with tempfile.TemporaryDirectory(prefix="websock-audit-") as tmp:
        root = os.path.join(tmp, "www")
        os.makedirs(os.path.join(root, "sub"))
        with open(os.path.join(tmp, "secret.txt"), "wb") as f:
            f.write(SECRET)
        for name in ("inside.txt", "sub/inner.txt"):
            with open(os.path.join(root, name), "wb") as f:
                f.write(INSIDE)
        os.symlink("/etc/passwd", os.path.join(root, "passwd-link"))
        os.symlink(os.path.join(tmp, "secret.txt"), os.path.join(root, "secret-link"))
        os.symlink("../../secret.txt", os.path.join(root, "sub", "up-link"))
        global SECRET_PATH
        SECRET_PATH = os.path.join(tmp, "secret.txt").lstrip("/")
        return main_with_server("static_confinement", CHECKS, ["--static", root])


if __name__ == "__main__":
    sys.exit(main())
