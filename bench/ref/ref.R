# One timed run of an R reference for the Embedscope reducer bench (bench/bench.ts starts a fresh
# Rscript per run). Reads raw row-major float32, times the fit call only (not R's start, library()
# or the data load), writes the 2-D coords as float32 (x0 y0 x1 y1 ...) and prints one JSON line.
#
#   Rscript ref.R --impl uwot|Rtsne --method umap|tsne --input x.f32 --n N --dims D --out y.f32 --threads T [--seed S]
#   Rscript ref.R --impl uwot --check      (prints the version, exits 1 if the package is missing)
#
# uwot: n_neighbors 15, min_dist 0.1, euclidean, default epochs and init, n_threads = n_sgd_threads = T.
# Rtsne: perplexity 30, 1000 iterations, theta 0.5, num_threads = T; its other defaults kept (it
# first reduces the input to 50 dimensions by PCA, as every Rtsne user gets).

args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default = NULL) {
  i <- match(paste0("--", name), args)
  if (is.na(i)) {
    if (is.null(default)) stop(paste("missing --", name, sep = ""))
    return(default)
  }
  args[[i + 1]]
}
impl <- opt("impl")
pkg <- switch(impl, uwot = "uwot", Rtsne = "Rtsne", stop(paste("unknown impl", impl)))
version <- paste(pkg, as.character(packageVersion(pkg)))
if ("--check" %in% args) {
  suppressPackageStartupMessages(library(pkg, character.only = TRUE))
  cat(sprintf('{"ok": true, "version": "%s"}\n', version))
  quit(status = 0)
}

method <- opt("method")
n <- as.integer(opt("n"))
dims <- as.integer(opt("dims"))
threads <- as.integer(opt("threads", "1"))
seed <- as.integer(opt("seed", "42"))
suppressPackageStartupMessages(library(pkg, character.only = TRUE))

con <- file(opt("input"), "rb")
x <- matrix(readBin(con, "numeric", n = n * dims, size = 4), nrow = n, ncol = dims, byrow = TRUE)
close(con)
set.seed(seed)

t0 <- proc.time()[["elapsed"]]
if (impl == "uwot" && method == "umap") {
  y <- uwot::umap(x, n_neighbors = 15, min_dist = 0.1, metric = "euclidean", n_threads = threads, n_sgd_threads = threads)
} else if (impl == "Rtsne" && method == "tsne") {
  y <- Rtsne::Rtsne(x, dims = 2, perplexity = 30, max_iter = 1000, theta = 0.5, check_duplicates = FALSE, num_threads = threads)$Y
} else {
  stop(paste("no", impl, "implementation of", method))
}
fit_s <- proc.time()[["elapsed"]] - t0

con <- file(opt("out"), "wb")
writeBin(as.vector(t(y)), con, size = 4)
close(con)
cat(sprintf('{"ok": true, "fit_s": %.6f, "version": "%s"}\n', fit_s, version))
