#include "wxlived/store/store_error.hpp"

namespace wxlived::store {

std::string StoreError::to_string() const {
  std::string text = message;
  if (sqlstate.empty()) {
    text += " (sqlite code " + std::to_string(code) + ")";
  } else {
    text += " (postgresql SQLSTATE " + sqlstate + ")";
  }
  if (!sql.empty()) {
    text += " in: ";
    text += sql;
  }
  return text;
}

}  // namespace wxlived::store
