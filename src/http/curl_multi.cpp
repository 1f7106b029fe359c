#include "wxlived/http/curl_multi.hpp"

#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace wxlived::http {

CurlGlobal::CurlGlobal() {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
}
CurlGlobal::~CurlGlobal() { curl_global_cleanup(); }

// One request: the easy handle and everything it points into must live as
// long as curl may use them.
struct CurlMulti::Transfer {
  struct EasyDeleter {
    void operator()(CURL* e) const { curl_easy_cleanup(e); }
  };
  struct ListDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
  };
  std::unique_ptr<CURL, EasyDeleter> easy{curl_easy_init()};
  std::unique_ptr<curl_slist, ListDeleter> headers;
  Request request;
  Response response;
  ResponseHandler done;
  bool overflowed = false;
  char error[CURL_ERROR_SIZE] = {};

  static size_t on_body(char* data, size_t size, size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    const size_t n = size * count;
    if (t->response.body.size() + n > t->request.max_response_bytes) {
      t->overflowed = true;
      return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
    }
    t->response.body.append(data, n);
    return n;
  }

  static size_t on_header(char* data, size_t size, size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    const size_t n = size * count;
    std::string_view line(data, n);
    const auto colon = line.find(':');
    if (line.starts_with("HTTP/")) t->response.headers.clear();  // a new response (redirect, 100-continue)
    if (colon == std::string_view::npos) return n;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    t->response.headers[name] = std::string(value);
    return n;
  }
};

// A curl socket as asio sees it. Shared with pending waits so that a wait
// completing after curl dropped the socket finds `removed` and does nothing.
struct CurlMulti::Socket {
  Socket(asio::io_context& io, curl_socket_t fd_) : fd(fd_), descriptor(io, fd_) {}
  curl_socket_t fd;
  asio::posix::stream_descriptor descriptor;
  int wanted = 0;  // CURL_POLL_IN | CURL_POLL_OUT
  bool reading = false;
  bool writing = false;
  bool removed = false;
};

CurlMulti::CurlMulti(asio::io_context& io, Options options)
    : io_(io), options_(std::move(options)), multi_(curl_multi_init()), timer_(io), alive_(std::make_shared<bool>(true)) {
  if (!multi_) throw std::runtime_error("curl_multi_init failed");
  curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETFUNCTION, &CurlMulti::on_socket);
  curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_.get(), CURLMOPT_TIMERFUNCTION, &CurlMulti::on_timer);
  curl_multi_setopt(multi_.get(), CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(multi_.get(), CURLMOPT_MAX_HOST_CONNECTIONS, options_.max_connections_per_host);
  curl_multi_setopt(multi_.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS, options_.max_total_connections);
  // curl's default idle cache is 4 x the handles added at the moment a
  // transfer ends: when a burst of answers drains the multi handle (the
  // delivery worker frees lanes only after committing a turn's answers) the
  // cache shrinks and good keep-alive connections are closed, to be opened
  // again a moment later. Keep as many idle as may ever be in use.
  if (options_.max_total_connections > 0)
    curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, options_.max_total_connections);
}

CurlMulti::~CurlMulti() {
  *alive_ = false;
  timer_.cancel();
  // Removing a handle makes curl report CURL_POLL_REMOVE for its sockets,
  // which releases them from asio before curl closes them.
  for (auto& [easy, transfer] : transfers_) curl_multi_remove_handle(multi_.get(), easy);
  transfers_.clear();
  multi_.reset();
  for (auto& [fd, socket] : sockets_) {
    socket->removed = true;
    socket->descriptor.release();
  }
}

void CurlMulti::start(Request request, ResponseHandler done) {
  if (transfers_.size() >= std::max<std::size_t>(1, options_.max_transfers)) {
    waiting_.push_back(Waiting{std::move(request), std::move(done)});
    return;
  }
  begin(std::move(request), std::move(done));
}

void CurlMulti::begin_waiting() {
  while (!waiting_.empty() && transfers_.size() < std::max<std::size_t>(1, options_.max_transfers)) {
    Waiting next = std::move(waiting_.front());
    waiting_.pop_front();
    begin(std::move(next.request), std::move(next.done));
  }
}

void CurlMulti::begin(Request request, ResponseHandler done) {
  auto t = std::make_unique<Transfer>();
  CURL* e = t->easy.get();
  t->request = std::move(request);
  t->done = std::move(done);
  for (const auto& h : t->request.headers) t->headers.reset(curl_slist_append(t->headers.release(), h.c_str()));

  curl_easy_setopt(e, CURLOPT_URL, t->request.url.c_str());
  if (t->request.method == Request::Method::post) {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->request.body.size()));
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers.get());
  curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(t->request.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(t->request.total_timeout.count()));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());

  if (CURLMcode rc = curl_multi_add_handle(multi_.get(), e); rc != CURLM_OK) {
    Response failed;
    failed.error = curl_multi_strerror(rc);
    asio::post(io_, [done = std::move(t->done), failed = std::move(failed)]() mutable { done(std::move(failed)); });
    return;
  }
  transfers_.emplace(e, std::move(t));
}

int CurlMulti::on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  static_cast<CurlMulti*>(self)->watch(fd, what);
  return 0;
}

void CurlMulti::watch(curl_socket_t fd, int what) {
  auto it = sockets_.find(fd);
  if (what == CURL_POLL_REMOVE) {
    if (it == sockets_.end()) return;
    it->second->removed = true;
    it->second->descriptor.release();  // curl owns and closes the fd
    sockets_.erase(it);
    return;
  }
  if (it == sockets_.end()) it = sockets_.emplace(fd, std::make_shared<Socket>(io_, fd)).first;
  it->second->wanted = what;
  arm(it->second);
}

// Starts the waits curl asked for that are not already pending.
void CurlMulti::arm(const std::shared_ptr<Socket>& socket) {
  if ((socket->wanted & CURL_POLL_IN) && !socket->reading) {
    socket->reading = true;
    socket->descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                                  [this, socket, alive = alive_](const asio::error_code& ec) {
                                    socket->reading = false;
                                    if (!*alive || socket->removed || ec) return;
                                    if (socket->wanted & CURL_POLL_IN) act(socket->fd, CURL_CSELECT_IN);
                                    if (!socket->removed) arm(socket);
                                  });
  }
  if ((socket->wanted & CURL_POLL_OUT) && !socket->writing) {
    socket->writing = true;
    socket->descriptor.async_wait(asio::posix::stream_descriptor::wait_write,
                                  [this, socket, alive = alive_](const asio::error_code& ec) {
                                    socket->writing = false;
                                    if (!*alive || socket->removed || ec) return;
                                    if (socket->wanted & CURL_POLL_OUT) act(socket->fd, CURL_CSELECT_OUT);
                                    if (!socket->removed) arm(socket);
                                  });
  }
}

int CurlMulti::on_timer(CURLM*, long timeout_ms, void* self) {
  auto* me = static_cast<CurlMulti*>(self);
  if (timeout_ms < 0) {
    me->timer_.cancel();
    return 0;
  }
  // Never call curl from here: the expiry handler does, from the loop.
  me->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
  me->timer_.async_wait([me, alive = me->alive_](const asio::error_code& ec) {
    if (!*alive || ec) return;
    me->act(CURL_SOCKET_TIMEOUT, 0);
  });
  return 0;
}

void CurlMulti::act(curl_socket_t fd, int select_flags) {
  int running = 0;
  curl_multi_socket_action(multi_.get(), fd, select_flags, &running);
  collect_finished();
}

namespace {

Transport classify(CURLcode code, bool overflowed) {
  if (code == CURLE_OK) return Transport::ok;
  if (overflowed) return Transport::too_large;
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return Transport::timeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION: return Transport::connect_failed;
    default: return Transport::failed;
  }
}

}  // namespace

void CurlMulti::collect_finished() {
  int pending = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &pending)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode code = msg->data.result;
    auto it = transfers_.find(easy);
    curl_multi_remove_handle(multi_.get(), easy);
    if (it == transfers_.end()) continue;
    std::unique_ptr<Transfer> t = std::move(it->second);
    transfers_.erase(it);

    Response& r = t->response;
    r.transport = classify(code, t->overflowed);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r.status);
    curl_off_t micros = 0;
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &micros);
    r.elapsed = std::chrono::microseconds(micros);
    long new_connections = 0;
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &new_connections);
    r.reused_connection = code == CURLE_OK && new_connections == 0;
    if (code != CURLE_OK) r.error = t->error[0] ? t->error : curl_easy_strerror(code);
    // Completion runs as its own loop task, so a handler that starts new
    // requests never re-enters curl from inside socket_action.
    asio::post(io_, [t = std::move(t), alive = alive_]() mutable {
      if (*alive) t->done(std::move(t->response));
    });
  }
  // Outside curl's callbacks and after its messages are read: room for the next.
  begin_waiting();
}

}  // namespace wxlived::http
