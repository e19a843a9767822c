"""Respuestas erróneas plausibles de la lección 06 y las celdas calificadas que deben perder puntos.

Cada entrada cambia una celda de solución (``replace`` sobre la solución, o ``code`` entero), lista
en ``loses`` exactamente las celdas de prueba que dejan de tener la nota completa y, en ``message``,
un fragmento que la retroalimentación debe mostrar (casi siempre, el nombre del error).
"""

# Ningún ejercicio usa, por diseño, el resultado de otro: cada comprobación construye sus propios
# tensores, modelos (capas de torch.nn), cargadores y modelos de Keras, y calcula la referencia ella misma.
BUILDS_ON: dict[str, list[str]] = {}

GRAPH_CONSTANTS = """
def graph_gradients(x, y, z):
    return -12.0, (-3.0, -3.0, 4.0)
"""

WRONG_ANSWERS = [
    # --- Ejercicio 1: de numpy a PyTorch y vuelta ------------------------------------------------
    {
        "why": "torch_to_numpy sin detach: falla con tensores que llevan gradiente",
        "cell": "tensor_exchange",
        "replace": [("return tensor.detach().cpu().numpy()", "return tensor.numpy()")],
        "loses": ["test_tensor_exchange"],
        "message": "parece que no lo separaste del grafo",
    },
    {
        "why": "numpy_to_torch con from_numpy conserva el dtype de numpy (float64)",
        "cell": "tensor_exchange",
        "replace": [
            (
                "return torch.as_tensor(np.asarray(array), dtype=torch.float32)",
                "return torch.from_numpy(np.asarray(array))",
            )
        ],
        "loses": ["test_tensor_exchange"],
        "message": "conservaste el float64 de numpy",
    },
    {
        "why": "numpy_to_torch con torch.from_numpy(array).float(): no acepta listas",
        "cell": "tensor_exchange",
        "replace": [
            (
                "return torch.as_tensor(np.asarray(array), dtype=torch.float32)",
                "return torch.from_numpy(array).float()",
            )
        ],
        "loses": ["test_tensor_exchange"],
        "message": "parece que usas torch.from_numpy",
    },
    {
        "why": "numpy_to_torch con torch.as_tensor(array) sin dtype: una lista de enteros da int64",
        "cell": "tensor_exchange",
        "replace": [
            (
                "return torch.as_tensor(np.asarray(array), dtype=torch.float32)",
                "return torch.as_tensor(array, dtype=torch.float32 if np.asarray(array).dtype.kind == 'f' else None)",
            )
        ],
        "loses": ["test_tensor_exchange"],
        "message": "una lista de enteros da un tensor int64",
    },
    {
        "why": "torch_to_numpy devuelve una lista con tolist()",
        "cell": "tensor_exchange",
        "replace": [("return tensor.detach().cpu().numpy()", "return tensor.detach().tolist()")],
        "loses": ["test_tensor_exchange"],
        "message": "parece que usaste .tolist()",
    },
    {
        "why": "torch_to_numpy devuelve el tensor separado, sin .numpy()",
        "cell": "tensor_exchange",
        "replace": [("return tensor.detach().cpu().numpy()", "return tensor.detach().cpu()")],
        "loses": ["test_tensor_exchange"],
        "message": "te falta el `.numpy()` final",
    },
    # --- Ejercicio 2: gradientes con autograd -----------------------------------------------------
    {
        "why": "crea los tensores sin float(): con enteros no pueden llevar gradiente",
        "cell": "graph_gradients",
        "replace": [("float(x)", "x"), ("float(y)", "y"), ("float(z)", "z")],
        "loses": ["test_graph_gradients"],
        "message": "parece que no convertiste con float(...)",
    },
    {
        "why": "z sin requires_grad: su .grad es None",
        "cell": "graph_gradients",
        "replace": [("tz = torch.tensor(float(z), requires_grad=True)", "tz = torch.tensor(float(z))")],
        "loses": ["test_graph_gradients"],
        "message": "alguno de los tres tensores no tiene requires_grad=True",
    },
    {
        "why": "devuelve tensores en lugar de números (sin .item())",
        "cell": "graph_gradients",
        "replace": [
            (
                "return out.item(), (tx.grad.item(), ty.grad.item(), tz.grad.item())",
                "return out.detach(), (tx.grad, ty.grad, tz.grad)",
            )
        ],
        "loses": ["test_graph_gradients"],
        "message": "parece que te falta .item()",
    },
    {
        "why": "devuelve los gradientes en otro orden (z primero)",
        "cell": "graph_gradients",
        "replace": [
            (
                "(tx.grad.item(), ty.grad.item(), tz.grad.item())",
                "(tz.grad.item(), tx.grad.item(), ty.grad.item())",
            )
        ],
        "loses": ["test_graph_gradients"],
        "message": "el orden de los gradientes no es (x, y, z)",
    },
    {
        "why": "devuelve siempre los números del ejemplo visible",
        "cell": "graph_gradients",
        "code": GRAPH_CONSTANTS,
        "loses": ["test_graph_gradients"],
        "message": "devuelves siempre el resultado del ejemplo visible",
    },
    # --- Ejercicio 3: un Dataset sobre arreglos -------------------------------------------------
    {
        "why": "etiquetas de clase como float32 (CrossEntropyLoss necesita int64)",
        "cell": "ArrayDataset",
        "replace": [('torch.int64 if labels.dtype.kind in "iu" else torch.float32', "torch.float32")],
        "loses": ["test_array_dataset"],
        "message": "convertiste las etiquetas de clase a float32",
    },
    {
        "why": "objetivos siempre int64: trunca los de una regresión",
        "cell": "ArrayDataset",
        "replace": [('torch.int64 if labels.dtype.kind in "iu" else torch.float32', "torch.int64")],
        "loses": ["test_array_dataset"],
        "message": "convertiste también los objetivos reales a int64",
    },
    {
        "why": "solo reconoce enteros con signo (kind == 'i'): uint8 queda en float32",
        "cell": "ArrayDataset",
        "replace": [('labels.dtype.kind in "iu"', 'labels.dtype.kind == "i"')],
        "loses": ["test_array_dataset"],
        "message": "las etiquetas uint8 también son enteras",
    },
    {
        "why": "guarda y con torch.as_tensor(y) sin elegir dtype: float64 en regresión, uint8 en clases",
        "cell": "ArrayDataset",
        "replace": [
            (
                'self.y = torch.as_tensor(labels, dtype=torch.int64 if labels.dtype.kind in "iu" else torch.float32)',
                "self.y = torch.as_tensor(labels)",
            )
        ],
        "loses": ["test_array_dataset"],
        "message": "guardaste y sin elegir el dtype",
    },
    {
        "why": "guarda X sin convertir a float32",
        "cell": "ArrayDataset",
        "replace": [
            ("self.X = torch.as_tensor(np.asarray(X), dtype=torch.float32)", "self.X = torch.as_tensor(np.asarray(X))")
        ],
        "loses": ["test_array_dataset"],
        "message": "guardaste X sin convertir",
    },
    {
        "why": "__len__ devuelve el número de columnas",
        "cell": "ArrayDataset",
        "replace": [("return len(self.X)", "return self.X.shape[1]")],
        "loses": ["test_array_dataset"],
        "message": "devuelves el número de columnas",
    },
    {
        "why": "__getitem__ devuelve solo X[i]",
        "cell": "ArrayDataset",
        "replace": [("return self.X[i], self.y[i]", "return self.X[i]")],
        "loses": ["test_array_dataset"],
        "message": "__getitem__ debe devolver la tupla (X[i], y[i])",
    },
    # --- Ejercicio 4: un perceptrón multicapa ----------------------------------------------------
    {
        "why": "ReLU también en la capa de salida",
        "cell": "MLP",
        "replace": [("stack.append(nn.Linear(width, n_outputs))", "stack += [nn.Linear(width, n_outputs), nn.ReLU()]")],
        "loses": ["test_mlp"],
        "message": "pusiste ReLU también en la salida",
    },
    {
        "why": "no actualiza la anchura: todas las capas reciben n_inputs",
        "cell": "MLP",
        "replace": [("            width = units\n", "")],
        "loses": ["test_mlp"],
        "message": "todas las capas reciben n_inputs",
    },
    {
        "why": "softmax a la salida",
        "cell": "MLP",
        "replace": [
            ("stack.append(nn.Linear(width, n_outputs))", "stack += [nn.Linear(width, n_outputs), nn.Softmax(dim=1)]")
        ],
        "loses": ["test_mlp"],
        "message": "parece que se la pusiste a la salida",
    },
    {
        "why": "sigmoide en las capas ocultas en lugar de ReLU",
        "cell": "MLP",
        "replace": [
            ("stack += [nn.Linear(width, units), nn.ReLU()]", "stack += [nn.Linear(width, units), nn.Sigmoid()]")
        ],
        "loses": ["test_mlp"],
        "message": "usaste otra activación",
    },
    # --- Ejercicio 5: una época de entrenamiento -------------------------------------------------
    {
        "why": "olvida zero_grad: los gradientes se acumulan entre pasos",
        "cell": "train_epoch",
        "replace": [("        optimizer.zero_grad()\n", "")],
        "loses": ["test_train_epoch"],
        "message": "no pones a cero los gradientes (optimizer.zero_grad())",
    },
    {
        "why": "media de las pérdidas de los lotes (no por ejemplo)",
        "cell": "train_epoch",
        "replace": [
            ("total += batch_loss.item() * len(xb)", "total += batch_loss.item()"),
            ("count += len(xb)", "count += 1"),
        ],
        "loses": ["test_train_epoch"],
        "message": "promediaste por lotes y no por ejemplos",
    },
    {
        "why": "no pone el modelo en modo entrenamiento",
        "cell": "train_epoch",
        "replace": [("model.train()  # activa el modo entrenamiento", "pass")],
        "loses": ["test_train_epoch"],
        "message": "parece que no llamas a model.train()",
    },
    {
        "why": "acumula la pérdida como tensor (sin .item())",
        "cell": "train_epoch",
        "replace": [("total += batch_loss.item() * len(xb)", "total = total + batch_loss.detach() * len(xb)")],
        "loses": ["test_train_epoch"],
        "message": "parece que acumulas la pérdida sin .item()",
    },
    {
        "why": "zero_grad entre backward y step: nunca actualiza",
        "cell": "train_epoch",
        "replace": [
            ("        optimizer.zero_grad()\n", ""),
            ("        optimizer.step()\n", "        optimizer.zero_grad()\n        optimizer.step()\n"),
        ],
        "loses": ["test_train_epoch"],
        "message": "borras los gradientes entre backward() y step()",
    },
    {
        "why": "devuelve la pérdida del último lote",
        "cell": "train_epoch",
        "replace": [("return total / count", "return batch_loss.item()")],
        "loses": ["test_train_epoch"],
        "message": "devolviste solo la pérdida del último lote",
    },
    # --- Ejercicio 6: evaluar ------------------------------------------------------------------
    {
        "why": "evalúa sin model.eval(): el dropout sigue activo",
        "cell": "evaluate",
        "replace": [("model.eval()  # modo evaluación: dropout apagado", "pass")],
        "loses": ["test_evaluate"],
        "message": "parece que no pones el modelo en modo evaluación",
    },
    {
        "why": "evalúa sin torch.no_grad(): construye el grafo",
        "cell": "evaluate",
        "replace": [("with torch.no_grad():  # sin grafo: solo evaluamos", "if True:")],
        "loses": ["test_evaluate"],
        "message": "parece que no usas `with torch.no_grad():`",
    },
    {
        "why": "media de las pérdidas de los lotes al evaluar",
        "cell": "evaluate",
        "replace": [
            ("total += loss_fn(model(xb), yb).item() * len(xb)", "total += loss_fn(model(xb), yb).item()"),
            ("count += len(xb)", "count += 1"),
        ],
        "loses": ["test_evaluate"],
        "message": "promediaste por lotes y no por ejemplos",
    },
    {
        "why": "suma ponderada sin dividir entre el número de ejemplos",
        "cell": "evaluate",
        "replace": [("return total / count", "return total")],
        "loses": ["test_evaluate"],
        "message": "no dividiste entre el número de ejemplos",
    },
    # --- Ejercicio 7: exactitud ------------------------------------------------------------------
    {
        "why": "argmax a lo largo de los ejemplos (dim=0) en vez de las clases",
        "cell": "accuracy",
        "replace": [("argmax(dim=1)", "argmax(dim=0)")],
        "loses": ["test_accuracy"],
        "message": "parece que usaste argmax a lo largo de los ejemplos",
    },
    {
        "why": "promedia la exactitud de cada lote",
        "cell": "accuracy",
        "replace": [
            (
                "hits += (model(xb).argmax(dim=1) == yb).sum().item()",
                "hits += (model(xb).argmax(dim=1) == yb).float().mean().item()",
            ),
            ("seen += len(yb)", "seen += 1"),
        ],
        "loses": ["test_accuracy"],
        "message": "promediaste la exactitud de cada lote",
    },
    {
        "why": "devuelve el número de aciertos",
        "cell": "accuracy",
        "replace": [("return hits / seen", "return hits")],
        "loses": ["test_accuracy"],
        "message": "devolviste el número de aciertos y no la fracción",
    },
    {
        "why": "mide la exactitud sin model.eval()",
        "cell": "accuracy",
        "replace": [("model.eval()  # predicciones deterministas", "pass")],
        "loses": ["test_accuracy"],
        "message": "parece que no pones el modelo en modo evaluación",
    },
    # --- Ejercicio 8: copiar pesos de Keras a PyTorch --------------------------------------------
    {
        "why": "copia el kernel con reshape en lugar de trasponerlo",
        "cell": "copy_keras_to_torch",
        "replace": [("torch.as_tensor(kernel.T)", "torch.as_tensor(kernel.reshape(linear.weight.shape))")],
        "loses": ["test_parity"],
        "message": "copiaste el kernel con reshape en lugar de trasponerlo",
    },
    {
        "why": "no copia los sesgos",
        "cell": "copy_keras_to_torch",
        "replace": [("            linear.bias.copy_(torch.as_tensor(bias))\n", "")],
        "loses": ["test_parity"],
        "message": "no copiaste los sesgos",
    },
    {
        "why": "copia en los parámetros sin torch.no_grad()",
        "cell": "copy_keras_to_torch",
        "replace": [("with torch.no_grad():  # copiar pesos no es una operación que derivar", "if True:")],
        "loses": ["test_parity"],
        "message": "parece que copias sin `with torch.no_grad():`",
    },
]
