"""Respuestas erróneas plausibles de la lección 08 y las celdas calificadas que deben perder puntos.

Cada entrada cambia una celda de solución (``replace`` sobre la solución, o ``code`` entero) y
lista en ``loses`` exactamente las celdas de prueba que dejan de tener la nota completa.
"""

WRONG_ANSWERS = [
    {
        "why": "tamaño de salida sin el + 1",
        "cell": "conv_output_size",
        "replace": [("// stride + 1", "// stride")],
        "loses": ["test_conv_output_size", "test_conv2d", "test_build_cnn", "test_cnn_beats_dense"],
    },
    {
        "why": "tamaño de salida con división real (un float)",
        "cell": "conv_output_size",
        "replace": [("// stride + 1", "/ stride + 1")],
        "loses": ["test_conv_output_size", "test_conv2d", "test_build_cnn", "test_cnn_beats_dense"],
    },
    {
        "why": "relleno contado una sola vez",
        "cell": "conv_output_size",
        "replace": [("n + 2 * padding - kernel_size", "n + padding - kernel_size")],
        "loses": ["test_conv_output_size"],
    },
    {
        "why": "convolución matemática: filtro girado 180°",
        "cell": "conv2d",
        "replace": [("np.sum(patch * weights[o])", "np.sum(patch * weights[o, :, ::-1, ::-1])")],
        "loses": ["test_conv2d"],
    },
    {
        "why": "convolución sin sesgo",
        "cell": "conv2d",
        "replace": [("np.sum(patch * weights[o]) + bias[o]", "np.sum(patch * weights[o])")],
        "loses": ["test_conv2d"],
    },
    {
        "why": "el filtro avanza de uno en uno aunque el paso sea mayor",
        "cell": "conv2d",
        "replace": [
            ("x[:, i * stride : i * stride + k_h, j * stride : j * stride + k_w]", "x[:, i : i + k_h, j : j + k_w]")
        ],
        "loses": ["test_conv2d"],
    },
    {
        "why": "parámetros de la convolución sin sesgos",
        "cell": "count_params",
        "replace": [
            (
                "out_channels * in_channels * kernel_size**2 + out_channels",
                "out_channels * in_channels * kernel_size**2",
            )
        ],
        "loses": ["test_count_params"],
    },
    {
        "why": "parámetros de la convolución sin los canales de entrada",
        "cell": "count_params",
        "replace": [("out_channels * in_channels * kernel_size**2", "out_channels * kernel_size**2")],
        "loses": ["test_count_params"],
    },
    {
        "why": "parámetros de la capa densa sin sesgos",
        "cell": "count_params",
        "replace": [("return n_inputs * n_units + n_units", "return n_inputs * n_units")],
        "loses": ["test_count_params"],
    },
    {
        "why": "bloques convolucionales sin ReLU",
        "cell": "build_cnn",
        "replace": [
            (
                "nn.Conv2d(previous, c, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2)",
                "nn.Conv2d(previous, c, kernel_size=3, padding=1), nn.MaxPool2d(2)",
            )
        ],
        "loses": ["test_build_cnn"],
    },
    {
        "why": "convoluciones sin relleno (la imagen encoge y el tamaño aplanado no cuadra)",
        "cell": "build_cnn",
        "replace": [("kernel_size=3, padding=1)", "kernel_size=3)")],
        "loses": ["test_build_cnn", "test_cnn_beats_dense"],
    },
    {
        "why": "RNN sin tanh",
        "cell": "rnn_step",
        "replace": [
            ("np.tanh(x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh)", "x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh")
        ],
        "loses": ["test_rnn_step"],
    },
    {
        "why": "RNN que olvida el estado anterior",
        "cell": "rnn_step",
        "replace": [(" + h_prev @ W_hh.T", "")],
        "loses": ["test_rnn_step"],
    },
    {
        "why": "RNN con ReLU en lugar de tanh",
        "cell": "rnn_step",
        "replace": [
            (
                "np.tanh(x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh)",
                "np.maximum(0, x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh)",
            )
        ],
        "loses": ["test_rnn_step"],
    },
    {
        "why": "toma la salida del primer paso",
        "cell": "recurrent_regressor",
        "replace": [("outputs[:, -1]", "outputs[:, 0]")],
        "loses": ["test_recurrent_regressor", "test_gru_beats_dense"],
    },
    {
        "why": "no quita la última dimensión: salida (lote, 1)",
        "cell": "recurrent_regressor",
        "replace": [(".squeeze(-1)", "")],
        "loses": ["test_recurrent_regressor", "test_gru_beats_dense"],
    },
    {
        "why": "usa el estado final h_n, que en la LSTM es una tupla",
        "cell": "recurrent_regressor",
        "replace": [
            ("outputs, _ = self.rnn(x)", "_, last = self.rnn(x)"),
            ("self.head(outputs[:, -1])", "self.head(last[-1])"),
        ],
        "loses": ["test_recurrent_regressor"],
    },
    {
        "why": "ReLU sobre el código del autocodificador",
        "cell": "build_autoencoder",
        "replace": [("nn.Linear(hidden, code_size))", "nn.Linear(hidden, code_size), nn.ReLU())")],
        "loses": ["test_build_autoencoder", "test_autoencoder_vs_pca"],
    },
    {
        "why": "decodificador sin sigmoide final",
        "cell": "build_autoencoder",
        "replace": [("nn.Linear(hidden, n_inputs), nn.Sigmoid())", "nn.Linear(hidden, n_inputs))")],
        "loses": ["test_build_autoencoder"],
    },
    {
        "why": "PCA ajustado con los datos que se reconstruyen",
        "cell": "pca_reconstruct",
        "replace": [("PCA(n_components=k).fit(X_fit)", "PCA(n_components=k).fit(X)")],
        "loses": ["test_pca_reconstruct"],
    },
    {
        "why": "devuelve el código de PCA en vez de la reconstrucción",
        "cell": "pca_reconstruct",
        "replace": [("return pca.inverse_transform(pca.transform(X))", "return pca.transform(X)")],
        "loses": ["test_pca_reconstruct"],
    },
    {
        "why": "discriminador con las etiquetas cambiadas",
        "cell": "gan_losses",
        "replace": [
            ("(real_logits, torch.ones_like(real_logits))", "(real_logits, torch.zeros_like(real_logits))"),
            ("(fake_logits, torch.zeros_like(fake_logits))", "(fake_logits, torch.ones_like(fake_logits))"),
        ],
        "loses": ["test_gan_losses", "test_gan_samples"],
    },
    {
        "why": "generador con etiqueta 0 (ayuda al discriminador)",
        "cell": "gan_losses",
        "replace": [
            (
                "return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))",
                "return F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))",
            )
        ],
        "loses": ["test_gan_losses", "test_gan_samples"],
    },
    {
        "why": "pérdida del discriminador promediada en vez de sumada",
        "cell": "gan_losses",
        "replace": [("return real + fake", "return (real + fake) / 2")],
        "loses": ["test_gan_losses"],
    },
    {
        "why": "generador con la pérdida saturante de 2014: minimiza log(1 - D(G(z)))",
        "cell": "gan_losses",
        "replace": [
            (
                "return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))",
                "return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))",
            )
        ],
        "loses": ["test_gan_losses"],
    },
]
