#include "postgres_connection.hpp"

#include <sqlite3.h>

#include <utility>

namespace wxlived::store::detail {

namespace {

// The store's callers read SQLite result codes; PostgreSQL's SQLSTATE classes
// map onto the nearest one (the SQLSTATE itself is kept beside it).
int sqlite_code_for(std::string_view sqlstate) {
  if (sqlstate == "23505") return SQLITE_CONSTRAINT_UNIQUE;
  if (sqlstate == "23503") return SQLITE_CONSTRAINT_FOREIGNKEY;
  if (sqlstate == "23502") return SQLITE_CONSTRAINT_NOTNULL;
  if (sqlstate == "23514") return SQLITE_CONSTRAINT_CHECK;
  if (sqlstate.starts_with("23")) return SQLITE_CONSTRAINT;
  if (sqlstate == "53100") return SQLITE_FULL;
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") return SQLITE_BUSY;
  if (sqlstate == "25006") return SQLITE_READONLY;
  if (sqlstate.starts_with("08") || sqlstate.starts_with("57")) return SQLITE_IOERR;
  return SQLITE_ERROR;
}

std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Length of the valid UTF-8 sequence starting at s[i], 0 if none.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c >= 0x01 && c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;  // no UTF-16 surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

std::string numbered_parameters_to_dollar(std::string_view sql) {
  std::string out(sql);
  char quote = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?' && i + 1 < out.size() && out[i + 1] >= '0' && out[i + 1] <= '9') {
      out[i] = '$';
    }
  }
  return out;
}

std::string valid_postgres_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::optional<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& dsn, bool read_only,
                                                                   StoreError& error) {
  PGconn* raw = PQconnectdb(dsn.c_str());
  std::unique_ptr<PgConnection> connection(new PgConnection(raw, read_only));
  if (raw == nullptr || PQstatus(raw) != CONNECTION_OK) {
    // libpq's message names host and database, never the password.
    error = StoreError{"connect to PostgreSQL",
                       raw != nullptr ? trimmed(PQerrorMessage(raw)) : "out of memory", SQLITE_CANTOPEN};
    return std::nullopt;
  }
  // UTF-8 both ways, and no notices on stderr (a migration's "already
  // exists" NOTICE is not an operator's business).
  PQsetNoticeProcessor(raw, [](void*, const char*) {}, nullptr);
  connection->setup_ = "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'";
  if (read_only) connection->setup_ += "; SET default_transaction_read_only = on";
  if (!connection->exec(connection->setup_, error)) return std::nullopt;
  return connection;
}

bool PgConnection::usable(std::string_view sql, StoreError& error) {
  if (PQstatus(conn_.get()) == CONNECTION_OK) return true;
  PQreset(conn_.get());
  prepared_.clear();
  if (PQstatus(conn_.get()) == CONNECTION_OK) return exec(setup_, error);
  error = StoreError{std::string(sql), "PostgreSQL connection lost: " + trimmed(PQerrorMessage(conn_.get())),
                     SQLITE_IOERR};
  error.sqlstate = "08006";
  return false;
}

StoreError PgConnection::error_from(std::string_view sql, const PGresult* result) const {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_.get()));
  if (message.starts_with("ERROR:  ")) message.erase(0, 8);
  if (message.empty()) message = trimmed(PQerrorMessage(conn_.get()));
  StoreError error{std::string(sql), std::move(message), sqlite_code_for(state != nullptr ? state : "08006")};
  error.sqlstate = state != nullptr ? state : "08006";
  return error;
}

std::optional<std::string> PgConnection::prepared_name(std::string_view sql, StoreError& error) {
  if (auto found = prepared_.find(std::string(sql)); found != prepared_.end()) return found->second;
  if (!usable(sql, error)) return std::nullopt;
  std::string name = "s" + std::to_string(prepared_.size() + 1);
  const std::string text = numbered_parameters_to_dollar(sql);
  PgResult result(PQprepare(conn_.get(), name.c_str(), text.c_str(), 0, nullptr));
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    error = error_from(sql, result.get());
    return std::nullopt;
  }
  prepared_.emplace(std::string(sql), name);
  return name;
}

std::optional<PgResult> PgConnection::run_prepared(const std::string& name, std::string_view sql,
                                                   const std::vector<std::optional<std::string>>& params,
                                                   StoreError& error) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PgResult result(PQexecPrepared(conn_.get(), name.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                                 nullptr, 0));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    error = error_from(sql, result.get());
    if (PQstatus(conn_.get()) != CONNECTION_OK) prepared_.clear();
    return std::nullopt;
  }
  const char* tuples = PQcmdTuples(result.get());
  changes_ = (tuples != nullptr && *tuples != '\0') ? std::stoi(tuples) : 0;
  return result;
}

bool PgConnection::exec(std::string_view sql, StoreError& error) {
  if (!usable(sql, error)) return false;
  const std::string text(sql);
  PgResult result(PQexec(conn_.get(), text.c_str()));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    error = error_from(sql, result.get());
    return false;
  }
  return true;
}

bool PgConnection::add_session_setting(const std::string& sql, StoreError& error) {
  if (!exec(sql, error)) return false;
  setup_ += "; " + sql;
  return true;
}

bool PgConnection::in_transaction() const { return PQtransactionStatus(conn_.get()) != PQTRANS_IDLE; }

bool PgConnection::in_failed_transaction() const { return PQtransactionStatus(conn_.get()) == PQTRANS_INERROR; }

}  // namespace wxlived::store::detail
