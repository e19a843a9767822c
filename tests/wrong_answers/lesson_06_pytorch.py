"""Respuestas erróneas plausibles de la lección 06 y las celdas calificadas que deben perder puntos.

Cada entrada cambia una celda de solución (``replace`` sobre la solución, o ``code`` entero) y
lista en ``loses`` exactamente las celdas de prueba que dejan de tener la nota completa.
"""

WRONG_ANSWERS = [
    {
        "why": "torch_to_numpy sin detach/cpu: falla con tensores que llevan gradiente",
        "cell": "tensor_exchange",
        "replace": [("return tensor.detach().cpu().numpy()", "return tensor.numpy()")],
        "loses": ["test_tensor_exchange", "test_torch_regression", "test_parity"],
    },
    {
        "why": "numpy_to_torch conserva el dtype de numpy (float64, int64)",
        "cell": "tensor_exchange",
        "replace": [
            (
                "return torch.as_tensor(np.asarray(array), dtype=torch.float32)",
                "return torch.from_numpy(np.asarray(array))",
            )
        ],
        "loses": ["test_tensor_exchange"],
    },
    {
        "why": "z sin requires_grad: su gradiente no existe",
        "cell": "graph_gradients",
        "replace": [("tz = torch.tensor(float(z), requires_grad=True)", "tz = torch.tensor(float(z))")],
        "loses": ["test_graph_gradients"],
    },
    {
        "why": "etiquetas de clase como float32 (CrossEntropyLoss necesita int64)",
        "cell": "ArrayDataset",
        "replace": [('torch.int64 if labels.dtype.kind in "iu" else torch.float32', "torch.float32")],
        "loses": ["test_array_dataset", "test_fashion_mlp"],
    },
    {
        "why": "ReLU también en la capa de salida",
        "cell": "MLP",
        "replace": [("stack.append(nn.Linear(width, n_outputs))", "stack += [nn.Linear(width, n_outputs), nn.ReLU()]")],
        "loses": ["test_mlp", "test_torch_regression", "test_fashion_mlp", "test_parity"],
    },
    {
        "why": "olvida zero_grad: los gradientes se acumulan entre pasos",
        "cell": "train_epoch",
        "replace": [("        optimizer.zero_grad()\n", "")],
        "loses": ["test_train_epoch", "test_torch_regression", "test_fashion_mlp"],
    },
    {
        "why": "no pone el modelo en modo entrenamiento",
        "cell": "train_epoch",
        "replace": [("model.train()  # activa el modo entrenamiento", "pass")],
        "loses": ["test_train_epoch"],
    },
    {
        "why": "evalúa sin model.eval(): el dropout sigue activo",
        "cell": "evaluate",
        "replace": [("model.eval()  # modo evaluación: dropout apagado", "pass")],
        "loses": ["test_evaluate"],
    },
    {
        "why": "argmax a lo largo de los ejemplos (dim=0) en vez de las clases",
        "cell": "accuracy",
        "replace": [("argmax(dim=1)", "argmax(dim=0)")],
        "loses": ["test_accuracy", "test_fashion_mlp"],
    },
    {
        "why": "copia el kernel con reshape en lugar de trasponerlo",
        "cell": "copy_keras_to_torch",
        "replace": [("numpy_to_torch(kernel.T)", "numpy_to_torch(kernel.reshape(linear.weight.shape))")],
        "loses": ["test_parity"],
    },
]
