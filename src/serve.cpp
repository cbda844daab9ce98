// `cogsim serve`'s HTTP side (cpp-httplib, docs/serve.md): routes, limits, start-up.
#include "src/serve.hpp"

#include <httplib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "src/serve_page.hpp"

namespace cogsim::app::serve {

namespace {

void answer(httplib::Response& res, const Reply& r) {
  res.status = r.status;
  res.set_content(r.body, r.content_type.c_str());
  res.set_header("Cache-Control", "no-store");
}

}  // namespace

void mount(httplib::Server& server, Session& session) {
  // The hard limit (413 from the library) is above the API's own (400 naming the body).
  server.set_payload_max_length(4 * kMaxBody);
  server.Get("/", [&](const httplib::Request&, httplib::Response& res) {
    answer(res, {200, page_html(), "text/html; charset=utf-8"});
  });
  server.Get("/api/model", [&](const httplib::Request&, httplib::Response& res) { answer(res, session.model()); });
  server.Post("/api/run", [&](const httplib::Request& req, httplib::Response& res) {
    answer(res, session.run(req.body));
  });
  server.Post("/api/goal", [&](const httplib::Request& req, httplib::Response& res) {
    answer(res, session.goal(req.body));
  });
  server.Post("/api/avenant", [&](const httplib::Request& req, httplib::Response& res) {
    answer(res, session.avenant(req.body));
  });
  // Every answer is JSON (docs/serve.md), the library's own too: an unknown route (404), a method
  // a route does not take, a body it refuses before the handlers (413; a form-encoded body over
  // its 8 KiB limit: send JSON, `Content-Type: application/json`).
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string what = res.status == 404 ? "no such page or API route: " + req.method + " " + req.path
                     : res.status == 413 ? "request body too large (send JSON with Content-Type: application/json, at "
                                           "most " + std::to_string(kMaxBody / 1024) + " KiB)"
                     : res.status == 400 || res.status == 405
                         ? "not a request this server answers: " + req.method + " " + req.path +
                               " (it answers GET / and /api/model, POST /api/run, /api/goal and /api/avenant)"
                         : "HTTP error " + std::to_string(res.status);
    res.set_content(nlohmann::json{{"error", what}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    "application/json");
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    answer(res, {500, "{\"error\":\"internal error\"}"});
  });
}

int serve(const Options& options, std::ostream& out, std::ostream& err) {
  // --save-dir: a folder, made if missing once the model compiles and the address is bound (not its
  // parents: a typo in them is likelier than a wish for a tree).
  std::error_code ec;
  const auto save_status = options.save_dir.empty() ? std::filesystem::file_status{} : std::filesystem::status(options.save_dir, ec);
  const bool make_save_dir = !options.save_dir.empty() && save_status.type() == std::filesystem::file_type::not_found;
  if (!options.save_dir.empty() && !make_save_dir && !std::filesystem::is_directory(save_status)) {
    err << "cogsim: --save-dir " << options.save_dir
        << (ec ? " cannot be reached (" + ec.message() + ")" : std::string(" is not a folder")) << "\n";
    return 2;
  }
  std::string error;
  auto session = Session::open(options, error);
  if (!session) {
    err << error << "\n";
    return 3;
  }
  httplib::Server server;
  mount(server, *session);
  int port = options.port;
  errno = 0;
  if (port == 0) port = server.bind_to_any_port(options.host);
  else if (!server.bind_to_port(options.host, port)) port = -1;
  if (port < 0) {
    // Not a bug of cogsim (status 1): the address asked cannot be used here (status 2), with the
    // system's reason (an address of another machine, a port in use or reserved).
    const int e = errno;
    err << "cogsim: cannot listen on " << options.host << ":" << options.port
        << (e ? std::string(" (") + std::strerror(e) + ")" : std::string(" (the address cannot be resolved or used here)"))
        << "; give --host 127.0.0.1 or this machine's address, and a free --port\n";
    return 2;
  }
  if (make_save_dir) {  // once the server can start: a failed start leaves no folder behind
    if (!std::filesystem::create_directory(options.save_dir, ec) || ec) {
      err << "cogsim: --save-dir " << options.save_dir << " does not exist and cannot be made"
          << (ec ? " (" + ec.message() + ")" : std::string()) << "\n";
      return 2;
    }
    out << "cogsim serve: made the folder " << options.save_dir << " for saved avenants\n";
  }
  out << "cogsim serve: " << session->base().program->model_name << " on http://" << options.host << ":" << port
      << "/ (Ctrl-C to stop)" << std::endl;
  return server.listen_after_bind() ? 0 : 1;
}

}  // namespace cogsim::app::serve
