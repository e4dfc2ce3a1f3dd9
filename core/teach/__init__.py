"""Teaching tools: step-through, neuron equations, lessons, editing, digit ink."""
