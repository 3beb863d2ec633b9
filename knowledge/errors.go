package knowledge

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

var (
	// ErrNotFound is returned when a document, FAQ entry, synonym group,
	// job or question does not exist.
	ErrNotFound = errors.New("knowledge: not found")
	// ErrInvalid wraps every InputError, for callers that only need the class.
	ErrInvalid = errors.New("knowledge: invalid input")
	// ErrDuplicate is returned when a slug, synonym head or similar question
	// already exists.
	ErrDuplicate = errors.New("knowledge: already exists")
	// ErrJobRunning is returned when a re-index or re-embed is requested
	// while another one is running.
	ErrJobRunning = errors.New("knowledge: a re-index or re-embed is already running")

	// ErrEmptyFile, ErrBinaryFile, ErrTooLarge and ErrUndecodable classify
	// rejected imports; they arrive wrapped in a *FileError naming the file.
	ErrEmptyFile   = errors.New("file is empty")
	ErrBinaryFile  = errors.New("file is binary")
	ErrTooLarge    = errors.New("file is too large")
	ErrUndecodable = errors.New("file encoding not recognised")
)

// InputError is a validation failure with a message fit to show to staff.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *InputError) Unwrap() error { return ErrInvalid }

func invalidf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// FileError is a rejected import. Its message names the file and says what
// to do, in Chinese, because staff see it in the console and the CLI.
type FileError struct {
	Name   string
	Err    error  // one of ErrEmptyFile, ErrBinaryFile, ErrTooLarge, ErrUndecodable, ErrInvalid
	Detail string // extra explanation
}

func (e *FileError) Error() string {
	var what string
	switch {
	case errors.Is(e.Err, ErrEmptyFile):
		what = "文件是空的，没有可导入的文字"
	case errors.Is(e.Err, ErrBinaryFile):
		what = "看起来是二进制文件，请导出为 Markdown、纯文本或 HTML 后再导入"
	case errors.Is(e.Err, ErrTooLarge):
		what = "文件太大"
	case errors.Is(e.Err, ErrUndecodable):
		what = "无法识别文字编码（支持 UTF-8 和 GB18030/GBK）"
	default:
		what = "无法导入"
	}
	if e.Detail != "" {
		what += "：" + e.Detail
	}
	return fmt.Sprintf("文件 %q %s", e.Name, what)
}

func (e *FileError) Unwrap() error { return e.Err }

// interpretError maps driver errors to the package's sentinels in one place.
func interpretError(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("%w (%s)", ErrDuplicate, pgErr.ConstraintName)
	}
	return err
}
