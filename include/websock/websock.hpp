// Everything a program needs: the server, the client and the connection handle.
#pragma once

#include "websock/client.hpp"
#include "websock/connection.hpp"
#include "websock/error.hpp"
#include "websock/http.hpp"
#include "websock/options.hpp"
#include "websock/server.hpp"
