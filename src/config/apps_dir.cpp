#include "apps_dir.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "toml_document.hpp"

namespace wxlived::config {
namespace {

namespace fs = std::filesystem;

int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

std::string at(const std::string& file, int line) { return file + ":" + std::to_string(line); }

Expected<std::string, ConfigError> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Unexpected(ConfigError{file.string(), 0, "file", "cannot open: " + std::string(std::strerror(errno))});
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Reads the folder's files in order, remembering every name and appid seen
// (the [[app]] blocks' first) so a duplicate is reported in the later file.
// Hash maps: the folder may hold thousands of apps.
class AppFilesReader {
 public:
  AppFilesReader(const std::vector<ConfiguredApp>& configured, const ReadAppTable& read_table)
      : read_table_(read_table) {
    for (const auto& app : configured) {
      names_.emplace(app.name, app.name_at);
      appids_.emplace(app.appid, app.appid_at);
    }
  }

  void read(const fs::path& file, AppsDirRead& out) {
    const std::string source = file.string();
    auto text = read_text(file);
    if (!text) {
      out.errors.push_back(text.error());
      return;
    }
    auto root = parse_toml_document(*text, source);
    if (!root) {
      out.errors.push_back(root.error());
      return;
    }
    ConfigErrors errors;
    auto error = [&](int line, std::string key, std::string message) {
      errors.push_back({source, line, std::move(key), std::move(message)});
    };
    // The likeliest mistake: an [[app]] block copied whole from the config file.
    if (const toml::node* block = root->get("app")) {
      error(line_of(*block), "app",
            "an app file holds the keys of one [[app]] block at top level, without the [[app]] line");
      out.errors.insert(out.errors.end(), errors.begin(), errors.end());
      return;
    }
    const std::string stem = file.stem().string();
    const bool name_ok = take_name_from_file(*root, stem, error);
    AppTableRead read = read_table_(*root, file);
    errors.insert(errors.end(), read.errors.begin(), read.errors.end());
    out.warnings.insert(out.warnings.end(), read.warnings.begin(), read.warnings.end());
    if (name_ok) check_unique(names_, "name", stem, line_in(*root, "name"), source, error);
    if (!read.app.appid.empty())
      check_unique(appids_, "appid", read.app.appid, line_in(*root, "appid"), source, error);
    if (errors.empty()) {
      out.apps.push_back(std::move(read.app));
      return;
    }
    std::stable_sort(errors.begin(), errors.end(),
                     [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
    out.errors.insert(out.errors.end(), errors.begin(), errors.end());
  }

 private:
  // Line 1 stands for the whole file when the key is left out (a name taken
  // from the file's name).
  static int line_in(const toml::table& root, std::string_view key) {
    const toml::node* node = root.get(key);
    return node && node->source().begin.line > 0 ? line_of(*node) : 1;
  }

  // `name` may be left out (the file's name is the app's name) or repeat it;
  // anything else is refused: an operator finds, changes or removes an app
  // by its file, which only works if the file is named for the app.
  template <class Error>
  static bool take_name_from_file(toml::table& root, const std::string& stem, Error& error) {
    const toml::node* name = root.get("name");
    if (!name) {
      root.insert("name", stem);
      return true;
    }
    const auto* text = name->as_string();
    if (!text || text->get() == stem) return true;  // a non-string is the [[app]] reader's to report
    error(line_of(*name), "app.name",
          "\"" + text->get() + "\" is not the file's name \"" + stem +
              "\": one file per app, found by the app's name; rename the file or leave name out");
    return false;
  }

  template <class Error>
  static void check_unique(std::unordered_map<std::string, std::string>& seen, const std::string& key,
                           const std::string& value, int line, const std::string& source, Error& error) {
    auto [it, inserted] = seen.emplace(value, at(source, line));
    if (!inserted)
      error(line, "app." + key, "duplicate " + key + " \"" + value + "\" (first at " + it->second + ")");
  }

  const ReadAppTable& read_table_;
  std::unordered_map<std::string, std::string> names_;   // name -> "FILE:LINE" of its first app
  std::unordered_map<std::string, std::string> appids_;  // appid -> "FILE:LINE" of its first app
};

}  // namespace

Expected<std::vector<fs::path>, ConfigError> list_app_files(const fs::path& dir, const ConfigError& apps_dir_key) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    if (path.extension() != ".toml" || path.filename().string().starts_with('.')) continue;
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) files.push_back(path);
  }
  if (ec) {
    ConfigError problem = apps_dir_key;
    problem.message = dir.string() + ": " + ec.message();
    if (ec == std::errc::no_such_file_or_directory) problem.message += " (an empty folder is fine: no apps from it)";
    return Unexpected(std::move(problem));
  }
  std::sort(files.begin(), files.end());
  return files;
}

AppsDirRead read_apps_dir(const fs::path& dir, const ConfigError& apps_dir_key,
                          const std::vector<ConfiguredApp>& configured, const ReadAppTable& read_table) {
  AppsDirRead out;
  auto files = list_app_files(dir, apps_dir_key);
  if (!files) {
    out.errors.push_back(std::move(files.error()));
    return out;
  }
  out.files = files->size();
  AppFilesReader reader(configured, read_table);
  for (const auto& file : *files) reader.read(file, out);
  return out;
}

}  // namespace wxlived::config
