package knowledge

import (
	"bytes"
	_ "embed"
	"sync"
)

// shippedSemantic is the model trained by `xiaobao kb train-semantic` from
// knowledge/paraphrases; retrain and rebuild to change it.
//
//go:embed model/semantic.gz
var shippedSemantic []byte

// ShippedSemanticModel returns the semantic model built into the binary.
// It is read once; every caller shares it (a model is read-only).
var ShippedSemanticModel = sync.OnceValues(func() (*SemanticModel, error) {
	return ReadSemanticModel(bytes.NewReader(shippedSemantic))
})
