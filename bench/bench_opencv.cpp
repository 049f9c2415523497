// bench_opencv.cpp -- the OpenCV column of `make bench` (benchmark only; not
// part of the kit). Times cv::filter2D on a single-channel float image of
// S x S with a random k x k kernel (k = 3, 5, 7, 11), one thread
// (cv::setNumThreads(1)), the destination allocated once and reused, best of
// K runs, and prints JSON on stdout:
//   {"opencv": "4.6.0", "cases": {"conv_k3": ms, ...}}
// filter2D writes a same-size output (border BORDER_REFLECT_101); the
// reference's im_conv writes the valid part, (S-k+1)^2 pixels.
//
//   bench_opencv [--smoke] [--runs K]
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char **argv)
{
    int S = 4096, runs = 7;
    for (int a = 1; a < argc; a++) {
        if (std::strcmp(argv[a], "--smoke") == 0)
            S = 256;
        else if (std::strcmp(argv[a], "--runs") == 0 && a + 1 < argc)
            runs = std::atoi(argv[++a]);
    }
    cv::setNumThreads(1);
    cv::Mat src(S, S, CV_32F), dst;
    cv::RNG rng(1234);
    rng.fill(src, cv::RNG::UNIFORM, 0.0f, 1.0f);
    std::printf("{\"opencv\": \"%s\", \"threads\": %d, \"cases\": {", CV_VERSION, cv::getNumThreads());
    const int ks[] = {3, 5, 7, 11};
    for (int q = 0; q < 4; q++) {
        const int k = ks[q];
        cv::Mat kernel(k, k, CV_32F);
        rng.fill(kernel, cv::RNG::UNIFORM, -1.0f, 1.0f);
        cv::filter2D(src, dst, CV_32F, kernel); // allocates dst, warms up
        double best = 1e30;
        for (int r = 0; r < runs; r++) {
            auto t0 = std::chrono::steady_clock::now();
            cv::filter2D(src, dst, CV_32F, kernel);
            auto t1 = std::chrono::steady_clock::now();
            double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
            if (ms < best)
                best = ms;
        }
        std::printf("%s\"conv_k%d\": %.4f", q ? ", " : "", k, best);
        std::fprintf(stderr, "bench_opencv: filter2D %dx%d k=%d: %.2f ms\n", S, S, k, best);
    }
    std::printf("}}\n");
    return 0;
}
