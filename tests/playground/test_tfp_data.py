"""TensorFlow Playground's data: its seeded stream, six generators, split and first weights.

The exact values and digests below are what JavaScript gives: node 20 (V8) running TFP's
src/dataset.ts generators, its shuffle and generateData's split (src/playground.ts) with
seedrandom.js 2.4 (davidbau/seedrandom) and d3 3.5's scale.linear arithmetic. Every value is
compared to the last bit: the generators' sin, cos and log are fdlibm's, as V8 and
SpiderMonkey compute them, not the C library's. A digest is the first 16 hex digits of the
SHA-256 of the float64 (little-endian) numbers, in order.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest

from hlcourse.playground import _js_math as js_math
from hlcourse.playground.tfp_data import (
    TFP_CLASSIFICATION_DATASETS,
    TFP_DATASETS,
    TFP_N_SAMPLES,
    TfpRandom,
    _js_to_fixed,
    tfp_data,
    tfp_initial_weights,
    tfp_points,
)

SEED = "0.12345"

# The first three points of each generator (x, y, label), before the shuffle.
FIRST_POINTS = {
    "circle": [
        [0.4248402527873971, -2.248213342349108, 1],
        [-0.4320784435714857, 0.10373845082442021, 1],
        [0.05963351923231711, 1.5988054113215437, 1],
    ],
    "xor": [
        [4.452007406557324, -0.5972467819644083, -1],
        [-3.522570631147968, 3.1750194832964747, -1],
        [1.6996686162795422, -5.240664625707304, -1],
    ],
    "gauss": [
        [3.2810922512499054, -0.33994823648186934, 1],
        [1.1431807802391925, -1.4140614081030822, 1],
        [0.7296812527383647, 6.457027700220477, 1],
    ],
    "spiral": [
        [0.20760037032786616, -0.014862339098220406, 1],
        [-0.11230737616566935, -0.026968106968065567, 1],
        [-0.1576144836953687, 0.18359631853055064, 1],
    ],
    "reg-plane": [
        [4.982408887868788, -0.3566961383572895, 0.36648997243495707],
        [-3.8670847573775617, 3.45002337995577, -0.08386074606698801],
        [1.6796023395354513, -5.928797550848765, -0.5799579118893798],
    ],
    "reg-gauss": [
        [4.982408887868788, -0.3566961383572895, -0.05692253766191757],
        [-3.8670847573775617, 3.45002337995577, 0.5816325224790317],
        [1.6796023395354513, -5.928797550848765, 0],
    ],
}
# The first two training points after the shuffle, then the first three and the last of the
# 18 weight draws of a 2-4-2-1 network, and the seed Regenerate would draw next.
AFTER_SHUFFLE = {
    "circle": [
        [4.618077316847547, -1.8354395887379444, -1],
        [3.031594167181799, 2.027827810592421, -1],
    ],
    "xor": [
        [5.096362367914215, -2.1979115662055433, -1],
        [-4.318135686225865, -3.7382914485196705, 1],
    ],
    "gauss": [
        [0.8814984447655632, 1.2967235279399751, 1],
        [-0.8981890378321993, -1.3928884252055085, -1],
    ],
    "spiral": [
        [3.002797128346523, -2.2576491310677334, 1],
        [-0.28049140888317486, -0.1829386783862056, -1],
    ],
    "reg-plane": [
        [4.247773950612919, 1.4551190568711139, 0.525934030216705],
        [2.822573641020192, 3.5564194670275135, 0.4614172126910312],
    ],
    "reg-gauss": [
        [4.247773950612919, 1.4551190568711139, 0.48370491770984914],
        [2.822573641020192, 3.5564194670275135, -0.2139674556444745],
    ],
}
WEIGHTS = {
    "circle": (
        [0.15119012045435498, 0.3395422448435659, 0.3346419187784071],
        0.416626461726172,
        "0.62930",
    ),
    "xor": (
        [0.15119012045435498, 0.3395422448435659, 0.3346419187784071],
        0.416626461726172,
        "0.62930",
    ),
    "gauss": (
        [-0.10193142785952403, -0.31404468253527273, 0.4334518111161061],
        0.06175891795195698,
        "0.92581",
    ),
    "spiral": (
        [-0.35059290321591696, 0.39462996700075403, -0.45141007574104897],
        -0.4598506787924677,
        "0.99438",
    ),
    "reg-plane": (
        [0.1894368518194004, 0.0728828933929726, 0.38152297143393954],
        -0.48693219884645716,
        "0.14298",
    ),
    "reg-gauss": (
        [0.1894368518194004, 0.0728828933929726, 0.38152297143393954],
        -0.48693219884645716,
        "0.14298",
    ),
}
# (function, x, what node's Math.sin / Math.cos / Math.log returns): arguments where glibc's
# result is one ulp away from fdlibm's
JS_MATH = [
    ("sin", 0.3658361579249778, 0.35773024458936264),
    ("sin", 0.7672545403227401, 0.6941616227331104),
    ("cos", 0.4889991666442363, 0.8828034347164593),
    ("cos", 2.8744709533752637, -0.9645346361127487),
    ("log", 0.37974630931733666, -0.9682518562701727),
    ("log", 0.18881074575960363, -1.6670101107908009),
]

# Node's Math.sin and Math.cos of 30 u - 15 for the first 20,000 draws u of seed "0.12345",
# then Math.log of u and of 50 u for the next 20,000
JS_MATH_DIGESTS = {"sin": "3c1fffd4117b80a5", "cos": "a140b2b49a90d540", "log": "b6ef029aedb4e05e"}
# node's first Math.random() after Math.seedrandom(seed): the key wraps at 256 characters, and
# JavaScript reads UTF-16 code units (an emoji is two)
FIRST_DRAWS = [
    ("a" * 300, 0.7896636759683583),
    ("a" * 256, 0.43449421599986604),
    ("\u00e9", 0.5552529977398815),
    ("e", 0.8358204487344226),
    ("\U0001f600x", 0.05094774283933791),
]
# Math.random().toFixed(5), five times after Math.seedrandom("0.48213")
NEW_SEEDS = ["0.43021", "0.91457", "0.86631", "0.98588", "0.22164"]
# (seed, dataset, noise): the digest of a page load's points after the shuffle (x, y, label of
# the training points, then of the test points; 50 % training), the digest of the 18 weights
# of a 2-4-2-1 network drawn next, in TFP's link order, and the seed Regenerate draws after
DIGESTS = [
    ("0.48213", "circle", 0, "9525d012d7ee0819", "a7193fb324829aab", "0.90969"),
    ("0.48213", "circle", 50, "bd2fefcde2872a15", "a7193fb324829aab", "0.90969"),
    ("0.48213", "xor", 0, "5cfa1c3ae88d578f", "a7193fb324829aab", "0.90969"),
    ("0.48213", "xor", 50, "e6590f106a5dd759", "a7193fb324829aab", "0.90969"),
    ("0.48213", "gauss", 0, "c0fad3cff4ca125d", "099abe2c996f4b89", "0.89549"),
    ("0.48213", "gauss", 50, "ced177aadf511ec0", "099abe2c996f4b89", "0.89549"),
    ("0.48213", "spiral", 0, "7553115c73b8a7d8", "387cddf223d059ff", "0.89157"),
    ("0.48213", "spiral", 50, "afe0d421f0a09279", "387cddf223d059ff", "0.89157"),
    ("0.48213", "reg-plane", 0, "4d4e75dbf4fc54d2", "6c154d20e87a9d32", "0.69196"),
    ("0.48213", "reg-plane", 50, "78fe1944acdd4ff0", "6c154d20e87a9d32", "0.69196"),
    ("0.48213", "reg-gauss", 0, "551ed12b94ba0206", "6c154d20e87a9d32", "0.69196"),
    ("0.48213", "reg-gauss", 50, "f899ecb613a53a2f", "6c154d20e87a9d32", "0.69196"),
    ("0.12345", "circle", 0, "e83e45464671bf68", "d70c60f53c5856cb", "0.62930"),
    ("0.12345", "circle", 50, "88024c07d786ef6d", "d70c60f53c5856cb", "0.62930"),
    ("0.12345", "xor", 0, "775832d020796c19", "d70c60f53c5856cb", "0.62930"),
    ("0.12345", "xor", 50, "e6f4ce986c01af96", "d70c60f53c5856cb", "0.62930"),
    ("0.12345", "gauss", 0, "debdf1148b383e33", "956ab7ba0fce7081", "0.92581"),
    ("0.12345", "gauss", 50, "92118d73bd36fd36", "956ab7ba0fce7081", "0.92581"),
    ("0.12345", "spiral", 0, "dfaa5b266e4a0626", "2850dd5b73beac11", "0.99438"),
    ("0.12345", "spiral", 50, "cf182f1a20b99afb", "2850dd5b73beac11", "0.99438"),
    ("0.12345", "reg-plane", 0, "7e8f6009ee1109b5", "24c6d0436be42e26", "0.14298"),
    ("0.12345", "reg-plane", 50, "3b29cf005e4e9897", "24c6d0436be42e26", "0.14298"),
    ("0.12345", "reg-gauss", 0, "9d59c1ad42fa3734", "24c6d0436be42e26", "0.14298"),
    ("0.12345", "reg-gauss", 50, "6a52a09d51b5bcdc", "24c6d0436be42e26", "0.14298"),
]
# reg-gauss's cones (centre x, centre y, sign), TFP's src/dataset.ts
CONES = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]


def _digest(values) -> str:
    return hashlib.sha256(np.asarray(values, "<f8").tobytes()).hexdigest()[:16]


def _rows(points, labels):
    return np.column_stack([points, labels])


def _assert_same(actual, expected):
    np.testing.assert_array_equal(actual, np.array(expected, dtype=np.float64))


def test_seedrandom_gives_its_published_test_vector():
    rng = TfpRandom("hello.")
    assert rng.random() == 0.9282578795792454
    assert rng.random() == 0.3752569768646784
    assert rng.draws == 2


def test_seeds_are_text_and_streams_repeat():
    assert [TfpRandom("0.5").random() for _ in range(2)] == [TfpRandom("0.5").random()] * 2
    assert TfpRandom("0.5").random() != TfpRandom("0.50").random()
    assert all(0 <= TfpRandom(seed).random() < 1 for seed in (SEED, "abc", "0"))


@pytest.mark.parametrize(("name", "x", "expected"), JS_MATH)
def test_sin_cos_and_log_round_as_javascript_does(name, x, expected):
    function = {"sin": js_math.js_sin, "cos": js_math.js_cos, "log": js_math.js_log}[name]
    assert function(x) == expected  # glibc's math.sin etc. give the neighbouring double here


@pytest.mark.parametrize(("seed", "first"), FIRST_DRAWS, ids=lambda x: repr(x)[:12])
def test_long_and_non_ascii_seeds_give_javascripts_stream(seed, first):
    assert TfpRandom(seed).random() == first


def test_sin_cos_and_log_match_node_on_20000_arguments():
    rng = TfpRandom(SEED)
    angles = [rng.random() * 30 - 15 for _ in range(20_000)]
    logs = []
    for _ in range(20_000):
        u = rng.random()
        logs += [js_math.js_log(u), js_math.js_log(u * 50)]
    assert _digest([js_math.js_sin(a) for a in angles]) == JS_MATH_DIGESTS["sin"]
    assert _digest([js_math.js_cos(a) for a in angles]) == JS_MATH_DIGESTS["cos"]
    assert _digest(logs) == JS_MATH_DIGESTS["log"]


@pytest.mark.parametrize("dataset", TFP_DATASETS)
def test_first_points_match_javascript(dataset):
    points, labels = tfp_points(dataset, TfpRandom(SEED), noise=25)
    assert points.shape == (TFP_N_SAMPLES[dataset], 2) and labels.shape == (TFP_N_SAMPLES[dataset],)
    assert points.dtype == np.float64
    _assert_same(_rows(points, labels)[:3], FIRST_POINTS[dataset])


@pytest.mark.parametrize("dataset", TFP_DATASETS)
def test_shuffle_split_weights_and_next_seed_match_javascript(dataset):
    data = tfp_data(SEED, dataset, noise=25, perc_train_data=50)
    assert len(data.y_train) == TFP_N_SAMPLES[dataset] // 2
    _assert_same(_rows(data.x_train, data.y_train)[:2], AFTER_SHUFFLE[dataset])
    weights = tfp_initial_weights(data.rng, [2, 4, 2, 1])
    first, last, seed = WEIGHTS[dataset]
    kernel, bias = weights[0]
    assert kernel.shape == (2, 4) and bias.shape == (4,)
    # the first hidden node's two links, then the second node's first link
    assert [kernel[0, 0], kernel[1, 0], kernel[0, 1]] == first
    assert weights[-1][0][-1, -1] == last
    np.testing.assert_array_equal(bias, 0.1)
    assert data.rng.new_seed() == seed


@pytest.mark.parametrize(
    ("seed", "dataset", "noise", "points", "weights", "next_seed"),
    DIGESTS,
    ids=[f"{seed}-{dataset}-{noise}" for seed, dataset, noise, *_ in DIGESTS],
)
def test_a_page_load_gives_javascripts_points_weights_and_next_seed(
    seed, dataset, noise, points, weights, next_seed
):
    data = tfp_data(seed, dataset, noise=noise, perc_train_data=50)
    assert len(data.y_train) == TFP_N_SAMPLES[dataset] // 2
    rows = np.vstack([_rows(data.x_train, data.y_train), _rows(data.x_test, data.y_test)])
    assert _digest(rows) == points
    drawn = tfp_initial_weights(data.rng, [2, 4, 2, 1])
    # TFP's link order: layer by layer, node by node, each node's links from the layer below
    assert _digest(np.concatenate([kernel.T.ravel() for kernel, _ in drawn])) == weights
    assert data.rng.new_seed() == next_seed


def test_draws_per_point_are_tfps_even_at_noise_zero():
    for dataset, per_point in (("circle", 4), ("xor", 4), ("spiral", 2), ("reg-plane", 4)):
        rng = TfpRandom(SEED)
        tfp_points(dataset, rng, n_samples=10, noise=0)
        assert rng.draws == 10 * per_point, dataset
    rng = TfpRandom(SEED)
    tfp_points("gauss", rng, n_samples=10)
    assert rng.draws >= 10 * 2 * 2 and rng.draws % 2 == 0  # >= 2 a coordinate, 2 a try
    data = tfp_data(SEED, "xor")
    assert data.rng.draws == 500 * 4 + 500  # the points, then one draw per item to shuffle


def test_odd_counts_give_each_class_the_ceiling():
    for dataset in ("circle", "gauss", "spiral"):
        _, labels = tfp_points(dataset, TfpRandom(SEED), n_samples=7)
        assert list(labels) == [1.0] * 4 + [-1.0] * 4, dataset


def test_circle_is_blue_inside_and_noise_flips_labels_without_moving_points():
    clean, clean_labels = tfp_points("circle", TfpRandom(SEED), noise=0)
    radius = np.hypot(clean[:, 0], clean[:, 1])
    assert np.all(radius[clean_labels == 1] < 2.5)
    assert np.all((radius[clean_labels == -1] >= 3.5) & (radius[clean_labels == -1] <= 5))
    assert np.sum(clean_labels == 1) == 250
    noisy, noisy_labels = tfp_points("circle", TfpRandom(SEED), noise=50)
    np.testing.assert_array_equal(noisy, clean)  # the same draws give the same positions
    flipped = np.sum(noisy_labels != clean_labels)
    assert 20 < flipped < 250, flipped


def test_xor_same_signs_are_blue_with_a_gap_at_the_axes():
    points, labels = tfp_points("xor", TfpRandom(SEED), noise=0)
    np.testing.assert_array_equal(labels, np.where(points[:, 0] * points[:, 1] >= 0, 1.0, -1.0))
    assert np.all((np.abs(points) >= 0.3) & (np.abs(points) <= 5.3))
    noisy, noisy_labels = tfp_points("xor", TfpRandom(SEED), noise=50)
    np.testing.assert_array_equal(noisy, points)
    assert 20 < np.sum(noisy_labels != labels) < 250


def test_gauss_noise_widens_the_clouds_and_keeps_the_labels():
    spreads = {}
    for noise in (0, 50):
        points, labels = tfp_points("gauss", TfpRandom(SEED), noise=noise)
        assert list(labels) == [1.0] * 250 + [-1.0] * 250
        blue = points[labels == 1]
        np.testing.assert_allclose(blue.mean(axis=0), [2, 2], atol=0.35)
        np.testing.assert_allclose(points[labels == -1].mean(axis=0), [-2, -2], atol=0.35)
        spreads[noise] = blue.std(axis=0)
    # variance 0.5 at noise 0 and 4 at noise 50: standard deviations 0.71 and 2
    np.testing.assert_allclose(spreads[0], math.sqrt(0.5), rtol=0.15)
    np.testing.assert_allclose(spreads[50], 2.0, rtol=0.15)


def test_spiral_arms_are_fixed_and_noise_moves_points_by_at_most_half():
    clean, labels = tfp_points("spiral", TfpRandom(SEED), noise=0)
    i = np.arange(250)
    r, t = i / 250 * 5, 1.75 * i / 250 * 2 * np.pi
    # the +1 (blue) arm has no offset: (r sin t, r cos t); the -1 arm is it turned by pi
    arm = np.column_stack([r * np.sin(t), r * np.cos(t)])
    np.testing.assert_allclose(clean[:250], arm, atol=1e-12)
    np.testing.assert_allclose(clean[250:], -clean[:250], atol=1e-12)
    assert list(labels) == [1.0] * 250 + [-1.0] * 250
    noisy, noisy_labels = tfp_points("spiral", TfpRandom(SEED), noise=50)
    moved = np.abs(noisy - clean)
    assert moved.max() <= 0.5 and moved.max() > 0.45  # U(-1, 1) * 0.5 on each coordinate
    np.testing.assert_array_equal(noisy_labels, labels)


def test_reg_plane_is_x_plus_y_over_ten_and_noise_moves_only_the_target():
    points, plane = tfp_points("reg-plane", TfpRandom(SEED), noise=0)
    assert np.all(np.abs(points) <= 6)
    np.testing.assert_allclose(plane, points.sum(axis=1) / 10, atol=1e-15)
    # d3's scale is not clamped: the corners reach beyond 1, up to 1.2
    assert np.abs(plane).max() <= 1.2 and np.abs(plane).max() > 1.1
    noisy_points, noisy_plane = tfp_points("reg-plane", TfpRandom(SEED), noise=50)
    np.testing.assert_array_equal(noisy_points, points)
    assert np.abs(noisy_plane - plane).max() > 0.3


def test_reg_gauss_is_six_cones_and_the_largest_wins():
    points, labels = tfp_points("reg-gauss", TfpRandom(SEED), noise=0)
    x, y = points.T
    cones = np.stack(
        [sign * np.clip(1 - np.hypot(x - cx, y - cy) / 2, 0, 1) for cx, cy, sign in CONES], axis=1
    )
    largest = cones[np.arange(len(cones)), np.argmax(np.abs(cones), axis=1)]
    np.testing.assert_allclose(labels, largest, atol=1e-15)
    assert np.all(np.abs(labels) <= 1) and np.sum(labels == 0) > 100  # flat between cones
    for cx, cy, sign in CONES:
        near = np.hypot(x - cx, y - cy) < 1
        assert near.sum() >= 5 and np.all(np.sign(labels[near]) == sign), (cx, cy)
    noisy_points, noisy = tfp_points("reg-gauss", TfpRandom(SEED), noise=50)
    np.testing.assert_array_equal(noisy_points, points)
    assert np.abs(noisy - labels).max() > 0.3


@pytest.mark.parametrize(
    ("dataset", "perc", "n_train"),
    [("circle", 10, 50), ("xor", 90, 450), ("reg-gauss", 30, 360), ("spiral", 50, 250)],
)
def test_split_sizes_are_the_floor_of_the_share(dataset, perc, n_train):
    data = tfp_data(SEED, dataset, perc_train_data=perc)
    assert len(data.y_train) == len(data.x_train) == n_train
    assert len(data.y_train) + len(data.y_test) == TFP_N_SAMPLES[dataset]


def test_the_split_is_a_shuffle_of_the_points_and_not_stratified():
    points, labels = tfp_points("circle", TfpRandom(SEED))
    data = tfp_data(SEED, "circle", perc_train_data=10)
    together = _rows(
        np.vstack([data.x_train, data.x_test]), np.concatenate([data.y_train, data.y_test])
    )
    assert sorted(map(tuple, together)) == sorted(map(tuple, _rows(points, labels)))
    blue_in_train = [
        np.sum(tfp_data(str(s), "circle", perc_train_data=10).y_train == 1) for s in range(5)
    ]
    assert len(set(blue_in_train)) > 1, blue_in_train  # class shares vary with the seed


def test_initial_weights_take_one_draw_per_link_and_allow_no_inputs():
    rng = TfpRandom(SEED)
    weights = tfp_initial_weights(rng, [0, 3, 1])
    assert rng.draws == 3 and weights[0][0].shape == (0, 3)
    assert np.all(np.abs(weights[1][0]) <= 0.5)


def test_initial_weights_follow_tfps_link_order():
    stream = TfpRandom(SEED)
    draws = [stream.random() - 0.5 for _ in range(8)]
    (kernel_1, bias_1), (kernel_2, bias_2) = tfp_initial_weights(TfpRandom(SEED), [3, 2, 1])
    # the first hidden node's links from inputs 1, 2, 3; the second node's; the output's
    assert list(kernel_1[:, 0]) == draws[0:3] and list(kernel_1[:, 1]) == draws[3:6]
    assert list(kernel_2[:, 0]) == draws[6:8]
    assert list(bias_1) == [0.1, 0.1] and list(bias_2) == [0.1]


def test_initial_weights_are_uniform_on_minus_half_to_half():
    drawn = tfp_initial_weights(TfpRandom(SEED), [64, 64, 64, 1])  # 8,256 links
    weights = np.concatenate([kernel.ravel() for kernel, _ in drawn])
    assert weights.min() >= -0.5 and weights.max() < 0.5
    # standard errors: 0.003 for the mean, 0.005 for each quartile
    assert abs(weights.mean()) < 0.012
    quartiles = np.quantile(weights, [0.25, 0.5, 0.75])
    np.testing.assert_allclose(quartiles, [-0.25, 0, 0.25], atol=0.02)
    assert all(np.all(bias == 0.1) for _, bias in drawn)


def test_init_zero_gives_zeros_after_the_same_draws():
    plain, zeroed = TfpRandom(SEED), TfpRandom(SEED)
    tfp_initial_weights(plain, [2, 4, 2, 1])
    weights = tfp_initial_weights(zeroed, [2, 4, 2, 1], init_zero=True)
    assert all(not kernel.any() and not bias.any() for kernel, bias in weights)
    assert zeroed.draws == plain.draws == 18 and zeroed.random() == plain.random()


def test_new_seeds_are_javascripts_to_fixed_5():
    rng = TfpRandom("0.48213")
    assert [rng.new_seed() for _ in range(5)] == NEW_SEEDS
    assert rng.draws == 5
    # toFixed rounds the double's exact value, a tie upwards (node gives these)
    assert _js_to_fixed(0.015625, 5) == "0.01563"  # a tie: Python's format gives 0.01562
    assert _js_to_fixed(0.000005, 5) == "0.00001"  # the double lies just above the tie
    assert _js_to_fixed(0.999995, 5) == "0.99999"  # and this one just below
    assert _js_to_fixed(0.99999999, 5) == "1.00000"
    assert _js_to_fixed(0.0, 5) == "0.00000" and _js_to_fixed(0.5, 5) == "0.50000"


@pytest.mark.parametrize("dataset", TFP_CLASSIFICATION_DATASETS)
def test_classification_labels_are_plus_and_minus_one(dataset):
    _, labels = tfp_points(dataset, TfpRandom(SEED), noise=30)
    assert set(np.unique(labels)) <= {-1.0, 1.0}


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda: TfpRandom(0.5), TypeError, "seed=0.5"),
        (lambda: TfpRandom(""), ValueError, "non-empty string"),
        (lambda: tfp_points("moons", TfpRandom(SEED)), ValueError, "'circle'"),
        (lambda: tfp_points("Circle", TfpRandom(SEED)), ValueError, "Did you mean 'circle'"),
        (lambda: tfp_points("xor", "0.5"), TypeError, "TfpRandom"),
        (lambda: tfp_points("xor", TfpRandom(SEED), n_samples=0), ValueError, "n_samples=0"),
        (lambda: tfp_points("xor", TfpRandom(SEED), noise=90), ValueError, "from 0 to 80"),
        (lambda: tfp_data(SEED, perc_train_data=95), ValueError, "from 10 to 90"),
        (lambda: tfp_data(SEED, noise="5"), TypeError, "noise='5'"),
        (lambda: tfp_initial_weights(TfpRandom(SEED), [2]), ValueError, "2 to 10 entries"),
        (lambda: tfp_initial_weights(TfpRandom(SEED), [2, 0, 1]), ValueError, "at least 1 node"),
        (lambda: tfp_initial_weights(TfpRandom(SEED), [2, 2.5, 1]), TypeError, "layer_sizes"),
        (
            lambda: tfp_initial_weights(TfpRandom(SEED), [2, 1], init_zero=1),
            TypeError,
            "init_zero=1",
        ),
    ],
)
def test_bad_input_says_what_was_expected(call, error, fragment):
    with pytest.raises(error) as caught:
        call()
    assert fragment in str(caught.value) and "Received" in str(caught.value)
