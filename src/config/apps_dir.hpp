#pragma once
// [daemon] apps_dir (SPEC section 4): a folder of app files, one app per
// file, so that an ISV's provisioning adds, changes or removes an app by
// writing a file and reloading. A file holds the keys of one [[app]] block at
// top level and is read by the same code as an [[app]] block (load.cpp hands
// it in as ReadAppTable); this file adds what is particular to the folder:
// which files count, the name taken from the file name, and duplicates
// against the [[app]] blocks and the other files.
#include <toml++/toml.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "wxlived/config/config.hpp"
#include "wxlived/config/load.hpp"

namespace wxlived::config {

// What the [[app]] reader made of one app file's top-level table.
struct AppTableRead {
  AppSettings app;
  ConfigErrors errors;  // each naming `file`
  std::vector<std::string> warnings;
};
using ReadAppTable = std::function<AppTableRead(const toml::table& table, const std::filesystem::path& file)>;

// An app of the config file's [[app]] blocks, for duplicates in the folder.
struct ConfiguredApp {
  std::string name;
  std::string appid;
  std::string name_at;   // "FILE:LINE" of its name
  std::string appid_at;  // "FILE:LINE" of its appid
};

struct AppsDirRead {
  std::vector<AppSettings> apps;  // in file name order
  std::size_t files = 0;          // app files found, valid or not
  ConfigErrors errors;            // grouped by file, each file's in line order
  std::vector<std::string> warnings;
};

// The files that count: regular files (or links to them) directly in `dir`
// named *.toml and not starting with '.', sorted by name. Anything else is
// ignored, so provisioning can write "shop.toml.tmp" or ".shop.toml" and
// rename it into place. A folder that cannot be listed is an error at
// `apps_dir_key` (where the config file sets apps_dir).
Expected<std::vector<std::filesystem::path>, ConfigError> list_app_files(const std::filesystem::path& dir,
                                                                          const ConfigError& apps_dir_key);

AppsDirRead read_apps_dir(const std::filesystem::path& dir, const ConfigError& apps_dir_key,
                          const std::vector<ConfiguredApp>& configured, const ReadAppTable& read_table);

}  // namespace wxlived::config
