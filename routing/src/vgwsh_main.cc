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
#include "vgw/routing/api/methods.h"
#include "vgw/routing/cli/session.h"
#include "vgw/v1/system.pb.h"

namespace {

using namespace vgw;
using namespace vgw::routing;

constexpr const char* kUsage = R"(Usage: vgwsh [OPTIONS]
The vgw shell: show and configure a running vgwd.

  -c, --command CMD    run CMD and exit (repeatable; runs in order, like vtysh)
  -f, --file FILE      apply FILE's configuration lines (as in vgwd's config file) in one
                       change: all or nothing, one write of vgwd's config file
      --replace        with -f: FILE is the whole configuration; what it does not
                       configure is removed
  -s, --socket PATH    vgwd's unix socket (default /run/vgw/vgwd.sock, or $VGW_SOCKET)
  -t, --target ADDR    connect to a gRPC target instead, e.g. 127.0.0.1:50051
      --tls-ca FILE    use TLS with --target, verifying vgwd's certificate with FILE
      --tls-cert FILE  this client's certificate (PEM) for vgwd's mutual TLS
      --tls-key FILE   and its private key
      --list-commands  print every command with its mode and exit
  -h, --help           print this help and exit

Without -c, reads commands from standard input; on a terminal, interactively
(TAB completes, ? lists what may come next with help).
)";

// -f FILE: the file's lines as one SystemService.ApplyConfig. Returns the exit status.
int apply(GrpcBackend& backend, const std::string& file, bool replace) {
  auto text = read_file(file);
  if (!text) {
    std::fprintf(stderr, "vgwsh: %s\n", text.error().message.c_str());
    return 2;
  }
  v1::ApplyConfigRequest req;
  req.set_config(*text);
  req.set_replace(replace);
  v1::ApplyConfigResponse out;
  if (auto st = backend.call(api::kApplyConfig, req, out); !st) {
    std::string msg = st.error().message;
    if (msg.rfind("% ", 0) == 0) msg = msg.substr(2);
    std::fprintf(stderr, "%% %s: %s\n", file.c_str(), msg.c_str());
    return 1;
  }
  return 0;
}

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
  std::string tls_ca_file, tls_cert_file, tls_key_file;
  std::string apply_file;
  bool replace = false;
  enum { kListCommands = 256, kTlsCa, kTlsCert, kTlsKey, kReplace };
  static const option long_options[] = {
      {"command", required_argument, nullptr, 'c'}, {"socket", required_argument, nullptr, 's'},
      {"target", required_argument, nullptr, 't'},  {"list-commands", no_argument, nullptr, kListCommands},
      {"tls-ca", required_argument, nullptr, kTlsCa},
      {"file", required_argument, nullptr, 'f'},    {"replace", no_argument, nullptr, kReplace},
      {"tls-cert", required_argument, nullptr, kTlsCert},
      {"tls-key", required_argument, nullptr, kTlsKey},
      {"help", no_argument, nullptr, 'h'},          {nullptr, 0, nullptr, 0}};
  int opt;
  while ((opt = getopt_long(argc, argv, "c:f:s:t:h", long_options, nullptr)) != -1) {
    switch (opt) {
      case 'c': commands.emplace_back(optarg); break;
      case 's': socket = optarg; break;
      case 'f': apply_file = optarg; break;
      case kReplace: replace = true; break;
      case 't': target = optarg; break;
      case kTlsCa: tls_ca_file = optarg; break;
      case kTlsCert: tls_cert_file = optarg; break;
      case kTlsKey: tls_key_file = optarg; break;
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
  GrpcBackend::Tls tls;
  if (!tls_ca_file.empty() || !tls_cert_file.empty() || !tls_key_file.empty()) {
    if (target.empty()) {
      std::fprintf(stderr, "vgwsh: --tls-ca, --tls-cert and --tls-key go with --target\n");
      return 2;
    }
    if (tls_ca_file.empty() || tls_cert_file.empty() != tls_key_file.empty()) {
      std::fprintf(stderr, "vgwsh: TLS needs --tls-ca, and --tls-cert with --tls-key for vgwd's "
                           "client authentication\n");
      return 2;
    }
    for (auto [file, pem] : {std::pair{&tls_ca_file, &tls.ca}, std::pair{&tls_cert_file, &tls.cert},
                             std::pair{&tls_key_file, &tls.key}}) {
      if (file->empty()) continue;
      auto text = read_file(*file);
      if (!text) {
        std::fprintf(stderr, "vgwsh: %s\n", text.error().message.c_str());
        return 2;
      }
      *pem = *text;
    }
  }
  GrpcBackend backend(target.empty() ? "unix:" + socket : target, tls);
  if (replace && apply_file.empty()) {
    std::fprintf(stderr, "vgwsh: --replace goes with -f FILE\n");
    return 2;
  }
  if (!apply_file.empty()) {
    if (!commands.empty()) {
      std::fprintf(stderr, "vgwsh: -f and -c do not go together\n");
      return 2;
    }
    return apply(backend, apply_file, replace);
  }
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
