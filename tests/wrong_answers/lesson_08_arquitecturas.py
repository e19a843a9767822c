"""Respuestas erróneas plausibles de la lección 08 y las celdas calificadas que deben perder puntos.

Cada entrada cambia una celda de solución (``replace`` sobre la solución, o ``code`` entero) y
lista en ``loses`` exactamente las celdas de prueba que dejan de tener la nota completa; ``message``
es un fragmento que la retroalimentación debe mostrar (casi siempre, el nombre del error).
"""

# conv2d y build_cnn calculan tamaños con el conv_output_size del estudiante.
BUILDS_ON = {"conv2d": ["conv_output_size"], "build_cnn": ["conv_output_size"]}

WRONG_ANSWERS = [
    {
        "why": "tamaño de salida sin el + 1",
        "cell": "conv_output_size",
        "replace": [("// stride + 1", "// stride")],
        "loses": ["test_conv_output_size", "test_conv2d", "test_build_cnn", "test_cnn_beats_dense"],
        "message": "olvidaste el «+ 1»",
    },
    {
        "why": "tamaño de salida con división real (un float)",
        "cell": "conv_output_size",
        "replace": [("// stride + 1", "/ stride + 1")],
        "loses": ["test_conv_output_size", "test_conv2d", "test_build_cnn", "test_cnn_beats_dense"],
        "message": "usaste la división real",
    },
    {
        "why": "relleno contado una sola vez",
        "cell": "conv_output_size",
        "replace": [("n + 2 * padding - kernel_size", "n + padding - kernel_size")],
        "loses": ["test_conv_output_size"],
        "message": "sumaste el relleno una sola vez",
    },
    {
        "why": "convolución matemática: filtro girado 180°",
        "cell": "conv2d",
        "replace": [("np.sum(patch * weights[o])", "np.sum(patch * weights[o, :, ::-1, ::-1])")],
        "loses": ["test_conv2d"],
        "message": "giraste el filtro",
    },
    {
        "why": "convolución sin sesgo",
        "cell": "conv2d",
        "replace": [("np.sum(patch * weights[o]) + bias[o]", "np.sum(patch * weights[o])")],
        "loses": ["test_conv2d"],
        "message": "olvidaste sumar el sesgo",
    },
    {
        "why": "el filtro avanza de uno en uno aunque el paso sea mayor",
        "cell": "conv2d",
        "replace": [
            ("x[:, i * stride : i * stride + k_h, j * stride : j * stride + k_w]", "x[:, i : i + k_h, j : j + k_w]")
        ],
        "loses": ["test_conv2d"],
        "message": "el filtro avanza de uno en uno",
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
        "message": "olvidaste los sesgos (uno por filtro)",
    },
    {
        "why": "parámetros de la convolución sin los canales de entrada",
        "cell": "count_params",
        "replace": [("out_channels * in_channels * kernel_size**2", "out_channels * kernel_size**2")],
        "loses": ["test_count_params"],
        "message": "olvidaste los canales de entrada",
    },
    {
        "why": "parámetros de la capa densa sin sesgos",
        "cell": "count_params",
        "replace": [("return n_inputs * n_units + n_units", "return n_inputs * n_units")],
        "loses": ["test_count_params"],
        "message": "olvidaste los sesgos (uno por neurona)",
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
        "message": "te falta la ReLU detrás de cada convolución",
    },
    {
        "why": "convoluciones sin relleno (la imagen encoge y el tamaño aplanado no cuadra)",
        "cell": "build_cnn",
        "replace": [("kernel_size=3, padding=1)", "kernel_size=3)")],
        "loses": ["test_build_cnn", "test_cnn_beats_dense"],
        "message": "Las imágenes no pasan por la red",
    },
    {
        "why": "RNN sin tanh",
        "cell": "rnn_step",
        "replace": [
            ("np.tanh(x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh)", "x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh")
        ],
        "loses": ["test_rnn_step"],
        "message": "olvidaste la tanh",
    },
    {
        "why": "RNN que olvida el estado anterior",
        "cell": "rnn_step",
        "replace": [(" + h_prev @ W_hh.T", "")],
        "loses": ["test_rnn_step"],
        "message": "olvidaste el estado anterior h_prev",
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
        "message": "usaste ReLU",
    },
    {
        "why": "toma la salida del primer paso",
        "cell": "recurrent_regressor",
        "replace": [("outputs[:, -1]", "outputs[:, 0]")],
        "loses": ["test_recurrent_regressor", "test_gru_beats_dense"],
        "message": "tomaste la salida del PRIMER paso",
    },
    {
        "why": "no quita la última dimensión: salida (lote, 1)",
        "cell": "recurrent_regressor",
        "replace": [(".squeeze(-1)", "")],
        "loses": ["test_recurrent_regressor", "test_gru_beats_dense"],
        "message": "squeeze(-1)",
    },
    {
        "why": "usa el estado final h_n, que en la LSTM es una tupla",
        "cell": "recurrent_regressor",
        "replace": [
            ("outputs, _ = self.rnn(x)", "_, last = self.rnn(x)"),
            ("self.head(outputs[:, -1])", "self.head(last[-1])"),
        ],
        "loses": ["test_recurrent_regressor"],
        "message": "el estado final es la tupla (h, c)",
    },
    {
        "why": "ReLU sobre el código del autocodificador",
        "cell": "build_autoencoder",
        "replace": [("nn.Linear(hidden, code_size))", "nn.Linear(hidden, code_size), nn.ReLU())")],
        "loses": ["test_build_autoencoder", "test_autoencoder_vs_pca"],
        "message": "¿pusiste una ReLU al final del encoder?",
    },
    {
        "why": "hidden y code_size intercambiados: el código queda de 128 números",
        "cell": "build_autoencoder",
        "replace": [
            (
                "nn.Linear(n_inputs, hidden), nn.ReLU(), nn.Linear(hidden, code_size))",
                "nn.Linear(n_inputs, code_size), nn.ReLU(), nn.Linear(code_size, hidden))",
            ),
            (
                "nn.Linear(code_size, hidden), nn.ReLU(), nn.Linear(hidden, n_inputs)",
                "nn.Linear(hidden, code_size), nn.ReLU(), nn.Linear(code_size, n_inputs)",
            ),
        ],
        "loses": ["test_build_autoencoder", "test_autoencoder_vs_pca"],
        "message": "intercambiaste hidden y code_size",
    },
    {
        "why": "decodificador sin sigmoide final",
        "cell": "build_autoencoder",
        "replace": [("nn.Linear(hidden, n_inputs), nn.Sigmoid())", "nn.Linear(hidden, n_inputs))")],
        "loses": ["test_build_autoencoder"],
        "message": "¿falta la sigmoide al final del decoder?",
    },
    {
        "why": "PCA ajustado con los datos que se reconstruyen",
        "cell": "pca_reconstruct",
        "replace": [("PCA(n_components=k).fit(X_fit)", "PCA(n_components=k).fit(X)")],
        "loses": ["test_pca_reconstruct"],
        "message": "ajustaste el PCA con X en vez de con X_fit",
    },
    {
        "why": "devuelve el código de PCA en vez de la reconstrucción",
        "cell": "pca_reconstruct",
        "replace": [("return pca.inverse_transform(pca.transform(X))", "return pca.transform(X)")],
        "loses": ["test_pca_reconstruct"],
        "message": "Devuelves el código de PCA",
    },
    {
        "why": "discriminador con las etiquetas cambiadas",
        "cell": "gan_losses",
        "replace": [
            ("(real_logits, torch.ones_like(real_logits))", "(real_logits, torch.zeros_like(real_logits))"),
            ("(fake_logits, torch.zeros_like(fake_logits))", "(fake_logits, torch.ones_like(fake_logits))"),
        ],
        "loses": ["test_gan_losses", "test_gan_samples"],
        "message": "cambiaste las etiquetas",
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
        "message": "usaste la etiqueta 0",
    },
    {
        "why": "pérdida del discriminador promediada en vez de sumada",
        "cell": "gan_losses",
        "replace": [("return real + fake", "return (real + fake) / 2")],
        "loses": ["test_gan_losses"],
        "message": "promediaste las dos partes",
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
        "message": "la versión saturante",
    },
    {
        "why": "forward dentro de torch.no_grad(): la red no puede aprender",
        "cell": "recurrent_regressor",
        "replace": [
            (
                "        outputs, _ = self.rnn(x)\n        return self.head(outputs[:, -1]).squeeze(-1)",
                "        with torch.no_grad():\n            outputs, _ = self.rnn(x)\n"
                "            return self.head(outputs[:, -1]).squeeze(-1)",
            )
        ],
        "loses": ["test_recurrent_regressor", "test_gru_beats_dense"],
        "message": "¿usaste torch.no_grad() o .detach() dentro de forward?",
    },
    {
        "why": "decodificador lineal (sin ReLU ni sigmoide): no puede mejorar a PCA",
        "cell": "build_autoencoder",
        "replace": [
            (
                "nn.Linear(code_size, hidden), nn.ReLU(), nn.Linear(hidden, n_inputs), nn.Sigmoid())",
                "nn.Linear(code_size, hidden), nn.Linear(hidden, n_inputs))",
            )
        ],
        "loses": ["test_build_autoencoder", "test_autoencoder_vs_pca"],
        "message": "¿falta la sigmoide al final del decoder?",
    },
    {
        "why": "código de tamaño fijo 2",
        "cell": "build_autoencoder",
        "replace": [
            ("nn.Linear(hidden, code_size))", "nn.Linear(hidden, 2))"),
            ("nn.Linear(code_size, hidden)", "nn.Linear(2, hidden)"),
        ],
        "loses": ["test_build_autoencoder"],
        "message": "El código siempre tiene 2 números",
    },
    {
        "why": "PCA sin restar la media",
        "cell": "pca_reconstruct",
        "code": (
            "def pca_reconstruct(X_fit, X, k):\n"
            "    _, _, Vt = np.linalg.svd(np.asarray(X_fit, dtype=float), full_matrices=False)\n"
            "    return np.asarray(X, dtype=float) @ Vt[:k].T @ Vt[:k]\n"
        ),
        "loses": ["test_pca_reconstruct"],
        "message": "no restaste la media",
    },
    {
        "why": "pérdida del generador como número (.item()): no se puede derivar",
        "cell": "gan_losses",
        "replace": [
            (
                "return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))",
                "return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits)).item()",
            )
        ],
        "loses": ["test_gan_losses", "test_gan_samples"],
        "message": "Devuelve el tensor (sin .item())",
    },
]
