// The per-op workloads of benchmarks/bench.c (W1, W1b) with libtorch's C++ API: the anchor the
// C ABI's per-op cost is held to (issue 19). Built by `make bench` when TORCH_PYTHON names a
// Python with torch, against that wheel's headers and libraries.
//
//     libtorch_anchor W1 | W1b
//
// prints one JSON line as bench.c does (median seconds per repetition of at least a second of
// repeats after a tenth as many warm-up runs, peak RSS during the workload, RSS before), with
// "impl": "libtorch". The code follows benchmarks/workloads.py line by line: Python's
// `while b.norm() < 1000` is `.item<bool>()` of the comparison, `x.grad = None` resetting the
// gradient is `x.mutable_grad().reset()`.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace {

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// VmRSS or VmHWM from /proc/self/status, in MiB.
double status_mb(const char *field) {
    std::ifstream f("/proc/self/status");
    std::string line;
    size_t n = std::strlen(field);
    while (std::getline(f, line)) {
        if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':') {
            return std::atof(line.c_str() + n + 1) / 1024.0;
        }
    }
    return -1;
}

// Restarts the peak-RSS mark (VmHWM) from the current RSS.
void reset_peak_rss() {
    std::ofstream f("/proc/self/clear_refs");
    if (f) f << "5";
}

// Runs `run` after a tenth as many warm-up runs, at least `repetitions` times and for at least a
// second; the median in seconds (bench.c's measure()).
double measure(const std::function<void()> &run, int repetitions) {
    for (int i = 0; i < std::max(1, repetitions / 10); i++) run();
    std::vector<double> times;
    double began = now();
    while (static_cast<int>(times.size()) < repetitions || now() - began < 1.0) {
        double start = now();
        run();
        times.push_back(now() - start);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

// W1: the chapter's f(a) on a 0-d tensor, forward and backward.
torch::Tensor f(const torch::Tensor &a) {
    torch::Tensor b = a * 2;
    while ((b.norm() < 1000).item<bool>()) b = b * 2;
    torch::Tensor c;
    if ((b.sum() > 0).item<bool>()) {
        c = b;
    } else {
        c = 100 * b;
    }
    return c;
}

void w1() {
    torch::Tensor a = torch::randn({}, torch::requires_grad());
    torch::Tensor d = f(a);
    d.backward();
    torch::Tensor grad = a.grad();
    (void)grad;
}

// W1b: y = y * x; y = y + 1, 1,000 ops on 4 elements, then y.sum().backward().
void w1b(torch::Tensor &x) {
    torch::Tensor y = x;
    for (int i = 0; i < 500; i++) {
        y = y * x;
        y = y + 1;
    }
    y.sum().backward();
    x.mutable_grad().reset();
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s W1|W1b\n", argv[0]);
        return 2;
    }
    std::string name = argv[1];
    torch::manual_seed(0);
    reset_peak_rss();
    double rss_before = status_mb("VmRSS"), seconds;
    if (name == "W1") {
        // Once, that this is the workload: a 0-d a, and d = a * 2^k (or -100 * 2^k), so that
        // a.grad() * a == d.
        torch::Tensor a = torch::randn({}, torch::requires_grad());
        torch::Tensor d = f(a);
        d.backward();
        if (a.dim() != 0 || d.dim() != 0 || !torch::allclose(a.grad() * a, d.detach())) {
            std::fprintf(stderr, "W1: unexpected result (a.dim() %ld, d.dim() %ld)\n",
                         static_cast<long>(a.dim()), static_cast<long>(d.dim()));
            return 1;
        }
        seconds = measure(w1, 2000);
    } else if (name == "W1b") {
        torch::Tensor x = torch::rand({4}, torch::requires_grad());
        w1b(x);
        if (x.grad().defined()) {
            std::fprintf(stderr, "W1b: x.grad() was not reset\n");
            return 1;
        }
        seconds = measure([&] { w1b(x); }, 100);
    } else {
        std::fprintf(stderr, "unknown workload %s\n", name.c_str());
        return 2;
    }
    std::printf("{\"workload\": \"%s\", \"impl\": \"libtorch\", \"seconds\": %.9g, \"peak_rss_mb\": %.2f, "
                "\"rss_before_mb\": %.2f, \"torch\": \"%s\"}\n",
                name.c_str(), seconds, status_mb("VmHWM"), rss_before, TORCH_VERSION);
    return 0;
}
