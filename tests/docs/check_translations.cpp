// check-translations ROOT [ENGLISH CHINESE]
//
// Compares each translated document with its English original (see
// translation_check.hpp) and prints every difference, naming its section.
// Without the pair, checks every translation the repository has: README.zh-CN.md
// and everything under docs/zh-CN/, and that the guides which must have one do.
// Exit 0 and "ok" when all agree, 1 on a difference, 2 on a usage error.

#include "translation_check.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

namespace fs = std::filesystem;
using wxlived::docs::DocumentFile;

namespace {

// The documents an operator or a receiver's developer reads; SPEC, ARCHITECTURE,
// BENCHMARKS and TESTING are for contributors and stay English.
const char* const required_translations[] = {"README.zh-CN.md", "docs/zh-CN/OPERATIONS.md",
                                              "docs/zh-CN/WEBHOOKS.md", "docs/zh-CN/PLANNING.md"};

struct Repository {
  fs::path root;

  std::optional<std::string> read(const std::string& path) const {
    const fs::path full = root / path;
    if (fs::is_directory(full)) return std::string();
    std::ifstream in(full, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
};

std::vector<std::string> translations(const Repository& repo) {
  std::vector<std::string> found;
  if (fs::exists(repo.root / "README.zh-CN.md")) found.emplace_back("README.zh-CN.md");
  if (fs::is_directory(repo.root / "docs/zh-CN")) {
    for (const auto& entry : fs::recursive_directory_iterator(repo.root / "docs/zh-CN")) {
      if (entry.path().extension() == ".md") found.push_back(fs::relative(entry.path(), repo.root).generic_string());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

int check_pair(const Repository& repo, const std::string& english, const std::string& chinese) {
  const auto en_text = repo.read(english);
  const auto zh_text = repo.read(chinese);
  if (!en_text || !zh_text) {
    std::cout << (en_text ? chinese : english) << ": cannot read it (a translation needs its English original)\n";
    return 1;
  }
  const wxlived::docs::ReadFile read = [&repo](const std::string& path) { return repo.read(path); };
  const auto differences = wxlived::docs::compare_translation({english, *en_text}, {chinese, *zh_text}, read);
  for (const auto& d : differences) std::cout << d << "\n";
  return differences.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) {
    std::cerr << "usage: check-translations ROOT [ENGLISH CHINESE]\n";
    return 2;
  }
  const Repository repo{argv[1]};
  if (argc == 4) {
    const int rc = check_pair(repo, argv[2], argv[3]);
    if (rc == 0) std::cout << "ok\n";
    return rc;
  }
  int rc = 0;
  for (const char* required : required_translations) {
    if (!fs::exists(repo.root / required)) {
      std::cout << required << ": missing (the English " << wxlived::docs::english_counterpart(required)
                << " has no translation)\n";
      rc = 1;
    }
  }
  const auto found = translations(repo);
  for (const auto& chinese : found) rc |= check_pair(repo, wxlived::docs::english_counterpart(chinese), chinese);
  if (rc == 0) std::cout << "ok: " << found.size() << " translations agree with their English originals\n";
  return rc;
}
