#pragma once
// Trustworthiness of an embedding (Venna & Kaski 2001), defined as sklearn.manifold.trustworthiness:
// 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in U_k(i)} (r(i, j) - k), where U_k(i) are the
// embedding's k nearest neighbours of i that are not among its k nearest in the input and r(i, j)
// is j's rank among i's neighbours in the input (nearest = 1). Euclidean distances; O(n^2).
#include <Eigen/Dense>

namespace rfx {

// Rows are points. std::invalid_argument unless both have the same rows and 1 <= k < n / 2.
double trustworthiness(const Eigen::MatrixXd& input, const Eigen::MatrixXd& embedding, int k);

} // namespace rfx
