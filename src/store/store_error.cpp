#include "wxlived/store/store_error.hpp"

namespace wxlived::store {

std::string StoreError::to_string() const {
  std::string text = message;
  text += " (sqlite code ";
  text += std::to_string(code);
  text += ")";
  if (!sql.empty()) {
    text += " in: ";
    text += sql;
  }
  return text;
}

}  // namespace wxlived::store
