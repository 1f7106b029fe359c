// Corpus replay without libFuzzer, in the spirit of LLVM's
// StandaloneFuzzTargetMain.c: runs LLVMFuzzerTestOneInput once on every file
// named on the command line, and on every regular file inside every folder
// named there. Linked with each fuzz target in the normal (gcc) build, so
// ctest replays the checked-in corpora on every build and under ASan/UBSan.
// A crash, abort or sanitizer report fails the test; so does an empty corpus
// (a mistyped path must not pass silently).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

bool run_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    return false;
  }
  // The input in its own exactly-sized allocation, as libFuzzer does: ASan
  // then catches any read past its end.
  const std::vector<std::uint8_t> input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::fprintf(stderr, "running %s (%zu bytes)\n", path.c_str(), input.size());
  LLVMFuzzerTestOneInput(input.data(), input.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t inputs = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg = argv[i];
    std::vector<fs::path> files;
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto& entry : fs::directory_iterator(arg, ec))
        if (entry.is_regular_file()) files.push_back(entry.path());
      std::sort(files.begin(), files.end());  // a stable order for reproducible logs
    } else {
      files.push_back(arg);
    }
    for (const auto& file : files) {
      if (!run_file(file)) return 1;
      ++inputs;
    }
  }
  if (inputs == 0) {
    std::fprintf(stderr, "no inputs: give corpus folders or files\n");
    return 1;
  }
  std::fprintf(stderr, "replayed %zu inputs without a crash\n", inputs);
  return 0;
}
