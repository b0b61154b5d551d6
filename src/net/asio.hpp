// The one place that includes Asio: standalone (no Boost), with OpenSSL. Private to src/.
#pragma once

#ifndef ASIO_STANDALONE
#define ASIO_STANDALONE
#endif
#ifndef ASIO_NO_DEPRECATED
#define ASIO_NO_DEPRECATED
#endif

#include <asio.hpp>
#include <asio/ssl.hpp>
