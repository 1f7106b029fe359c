#pragma once
// A plain text table: columns as wide as their widest cell, two spaces apart.
#include <ostream>
#include <string>
#include <vector>

namespace wxlived::ctl {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  // Cells are made terminal-safe (terminal_text.hpp): they may hold text from outside.
  void add(std::vector<std::string> row);
  bool empty() const { return rows_.empty(); }
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace wxlived::ctl
