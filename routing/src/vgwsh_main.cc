// vgwsh: the vgw shell. One-shot (`vgwsh -c CMD [-c CMD ...]`), commands from a pipe, or an
// interactive session with line editing, history, tab completion and `?` help (libedit). Every
// command is a client call to vgwd's gRPC API.
#include <getopt.h>
#include <histedit.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "grpc_backend.h"
#include "vgw/base/file.h"
#include "vgw/routing/cli/session.h"

namespace {

using namespace vgw;
using namespace vgw::routing;

constexpr const char* kUsage = R"(Usage: vgwsh [OPTIONS]
The vgw shell: show and configure a running vgwd.

  -c, --command CMD    run CMD and exit (repeatable; runs in order, like vtysh)
  -s, --socket PATH    vgwd's unix socket (default /run/vgw/vgwd.sock, or $VGW_SOCKET)
  -t, --target ADDR    connect to a gRPC target instead, e.g. 127.0.0.1:50051
      --tls-ca FILE    use TLS with --target, verifying vgwd's certificate with FILE
      --list-commands  print every command with its mode and exit
  -h, --help           print this help and exit

Without -c, reads commands from standard input; on a terminal, interactively
(TAB completes, ? lists what may come next with help).
)";

// Runs one line and prints its error. Returns false when the line failed.
bool run_line(cli::Session& session, const std::string& line) {
  auto st = session.execute(line);
  std::cout.flush();
  if (!st) {
    std::string msg = st.error().message;
    if (msg.rfind("%", 0) != 0) msg = "% " + msg;
    std::fprintf(stderr, "%s\n", msg.c_str());
    return false;
  }
  return true;
}

// ---- interactive ----------------------------------------------------------------------------

cli::Session* g_session = nullptr;
std::string g_prompt;

const char* prompt(EditLine*) { return g_prompt.c_str(); }

void update_prompt(const cli::Session& s) {
  char host[256] = "vgw";
  gethostname(host, sizeof host - 1);
  std::string suffix = cli::mode_prompt(s.mode());
  g_prompt = std::string(host) + (suffix.empty() ? "" : "(" + suffix + ")") + "# ";
}

std::string typed_so_far(EditLine* el) {
  const LineInfo* li = el_line(el);
  return std::string(li->buffer, li->cursor);
}

void print_candidates(const std::vector<cli::Candidate>& cands) {
  size_t width = 0;
  for (const auto& c : cands) width = std::max(width, c.token.size());
  std::fputc('\n', stdout);
  for (const auto& c : cands) {
    std::printf("  %-*s  %s\n", static_cast<int>(width), c.token.c_str(), c.help.c_str());
  }
  if (cands.empty()) std::printf("%% There is no matched command.\n");
  std::fflush(stdout);
}

unsigned char on_help(EditLine* el, int) {
  auto cands = g_session->grammar().candidates(g_session->mode(), typed_so_far(el));
  print_candidates(cands);
  return CC_REDISPLAY;
}

unsigned char on_complete(EditLine* el, int) {
  std::string typed = typed_so_far(el);
  auto cands = g_session->grammar().candidates(g_session->mode(), typed);
  bool partial = !typed.empty() && typed.back() != ' ';
  std::string word;
  if (partial) {
    auto sp = typed.find_last_of(' ');
    word = sp == std::string::npos ? typed : typed.substr(sp + 1);
  }
  std::vector<cli::Candidate> keywords;
  for (const auto& c : cands)
    if (!c.placeholder && c.token != "<cr>") keywords.push_back(c);
  if (keywords.size() == 1 && cands.size() == 1) {
    std::string rest = keywords[0].token.substr(word.size()) + " ";
    el_insertstr(el, rest.c_str());
    return CC_REFRESH;
  }
  if (keywords.size() > 1) {
    // Extend to the longest common prefix if that adds anything.
    std::string common = keywords[0].token;
    for (const auto& k : keywords) {
      size_t n = 0;
      while (n < common.size() && n < k.token.size() && common[n] == k.token[n]) ++n;
      common.resize(n);
    }
    if (common.size() > word.size()) {
      el_insertstr(el, common.substr(word.size()).c_str());
      return CC_REFRESH;
    }
  }
  print_candidates(cands);
  return CC_REDISPLAY;
}

int interactive(cli::Session& session) {
  g_session = &session;
  EditLine* el = el_init("vgwsh", stdin, stdout, stderr);
  History* hist = history_init();
  HistEvent ev;
  history(hist, &ev, H_SETSIZE, 1000);
  history(hist, &ev, H_SETUNIQUE, 1);
  std::string hist_file;
  if (const char* home = std::getenv("HOME")) {
    hist_file = std::string(home) + "/.vgwsh_history";
    history(hist, &ev, H_LOAD, hist_file.c_str());
  }
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_PROMPT, prompt);
  el_set(el, EL_HIST, history, hist);
  el_set(el, EL_ADDFN, "vgw-complete", "Complete the command", on_complete);
  el_set(el, EL_BIND, "^I", "vgw-complete", nullptr);
  el_set(el, EL_ADDFN, "vgw-help", "List what may come next", on_help);
  el_set(el, EL_BIND, "?", "vgw-help", nullptr);
  el_set(el, EL_SIGNAL, 1);

  while (!session.quit_requested()) {
    update_prompt(session);
    int count = 0;
    const char* raw = el_gets(el, &count);
    if (!raw) {  // Ctrl-D
      std::fputc('\n', stdout);
      break;
    }
    std::string line(raw, static_cast<size_t>(count));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.find_first_not_of(' ') == std::string::npos) continue;
    history(hist, &ev, H_ENTER, line.c_str());
    run_line(session, line);
  }
  if (!hist_file.empty()) history(hist, &ev, H_SAVE, hist_file.c_str());
  history_end(hist);
  el_end(el);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string socket = "/run/vgw/vgwd.sock";
  if (const char* env = std::getenv("VGW_SOCKET")) socket = env;
  std::string target;
  std::vector<std::string> commands;
  std::string tls_ca_file;
  enum { kListCommands = 256, kTlsCa };
  static const option long_options[] = {
      {"command", required_argument, nullptr, 'c'}, {"socket", required_argument, nullptr, 's'},
      {"target", required_argument, nullptr, 't'},  {"list-commands", no_argument, nullptr, kListCommands},
      {"tls-ca", required_argument, nullptr, kTlsCa},
      {"help", no_argument, nullptr, 'h'},          {nullptr, 0, nullptr, 0}};
  int opt;
  while ((opt = getopt_long(argc, argv, "c:s:t:h", long_options, nullptr)) != -1) {
    switch (opt) {
      case 'c': commands.emplace_back(optarg); break;
      case 's': socket = optarg; break;
      case 't': target = optarg; break;
      case kTlsCa: tls_ca_file = optarg; break;
      case kListCommands:
        for (const auto& c : cli::command_grammar().commands()) {
          std::printf("%s\t%s\t%s\n", cli::mode_name(c.mode), c.syntax.c_str(), c.help.c_str());
        }
        return 0;
      case 'h': std::fputs(kUsage, stdout); return 0;
      default: std::fputs(kUsage, stderr); return 2;
    }
  }
  if (optind < argc) {
    std::fprintf(stderr, "vgwsh: unexpected argument '%s' (commands go with -c)\n", argv[optind]);
    return 2;
  }
  std::string tls_ca;
  if (!tls_ca_file.empty()) {
    if (target.empty()) {
      std::fprintf(stderr, "vgwsh: --tls-ca goes with --target\n");
      return 2;
    }
    auto pem = read_file(tls_ca_file);
    if (!pem) {
      std::fprintf(stderr, "vgwsh: %s\n", pem.error().message.c_str());
      return 2;
    }
    tls_ca = *pem;
  }
  GrpcBackend backend(target.empty() ? "unix:" + socket : target, tls_ca);
  cli::Session session(cli::command_grammar(), backend, std::cout, {});

  if (!commands.empty()) {
    for (const auto& c : commands)
      if (!run_line(session, c)) return 1;
    return 0;
  }
  if (isatty(STDIN_FILENO)) return interactive(session);
  std::string line;
  int number = 0;
  while (std::getline(std::cin, line)) {
    ++number;
    if (!run_line(session, line)) {
      std::fprintf(stderr, "vgwsh: stopped at line %d of standard input\n", number);
      return 1;
    }
    if (session.quit_requested()) break;
  }
  return 0;
}
