package knowledge

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// writeModelFile writes a trained file (a projection, a semantic model):
// gzipped, a magic string naming the kind and version, then what payload
// writes. The whole file is built in memory first, so a failed write
// leaves nothing half-written behind in w's buffer.
func writeModelFile(w io.Writer, magic []byte, payload func(io.Writer) error) (int64, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(magic)
	if err := payload(zw); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	n, err := w.Write(buf.Bytes())
	return int64(n), err
}

// openModelFile opens what writeModelFile wrote and checks its magic;
// what names the kind of file in errors ("projection"). The caller closes
// the returned reader.
func openModelFile(r io.Reader, magic []byte, what string) (io.ReadCloser, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: not a %s file (%w)", what, what, err)
	}
	got := make([]byte, len(magic))
	if _, err := io.ReadFull(zr, got); err != nil || !bytes.Equal(got, magic) {
		zr.Close()
		return nil, errors.New(what + ": not a " + what + " file (or an unknown version)")
	}
	return zr, nil
}

// readShape reads the two little-endian uint32 dimensions every trained
// file starts its payload with.
func readShape(r io.Reader, what string) (int, int, error) {
	var dims [2]uint32
	if err := binary.Read(r, binary.LittleEndian, &dims); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", what, err)
	}
	return int(dims[0]), int(dims[1]), nil
}
