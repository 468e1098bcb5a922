package graphrpc

import (
	"fmt"
	"math"
	"reflect"
	"strings"
)

// ScanStruct fills the struct dst points to from the row. A field takes the column named by
// its `graphrpc:"name"` tag, else the column named like the field (case-insensitively);
// `graphrpc:"-"` skips it. Numbers convert to any int/uint/float field they fit in, lists to
// slices, maps to maps of the field's element type, null to the zero value; anything else
// that does not fit is an error naming the column.
func (r Row) ScanStruct(dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("graphrpc: ScanStruct needs a pointer to a struct, got %T", dst)
	}
	sv := rv.Elem()
	st := sv.Type()
	for i := range st.NumField() {
		f := st.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Name
		tagged := false
		if tag, ok := f.Tag.Lookup("graphrpc"); ok {
			if tag == "-" {
				continue
			}
			name, tagged = strings.Split(tag, ",")[0], true
		}
		v, ok := r.Lookup(name)
		if !ok && !tagged {
			v, ok = r.lookupFold(name)
		}
		if !ok {
			if tagged {
				return fmt.Errorf("graphrpc: field %s wants column %q, which the row does not have (columns: %v)", f.Name, name, r.Keys())
			}
			continue
		}
		if err := assign(sv.Field(i), v); err != nil {
			return fmt.Errorf("graphrpc: column %q into field %s: %w", name, f.Name, err)
		}
	}
	return nil
}

func (r Row) lookupFold(name string) (any, bool) {
	for _, k := range r.Keys() {
		if strings.EqualFold(k, name) {
			return r.Lookup(k)
		}
	}
	return nil, false
}

// assign stores v into dst, converting where nothing is lost.
func assign(dst reflect.Value, v any) error {
	if v == nil {
		dst.Set(reflect.Zero(dst.Type()))
		return nil
	}
	src := reflect.ValueOf(v)
	if src.Type().AssignableTo(dst.Type()) {
		dst.Set(src)
		return nil
	}
	switch dst.Kind() {
	case reflect.Pointer:
		p := reflect.New(dst.Type().Elem())
		if err := assign(p.Elem(), v); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if i, ok := v.(int64); ok {
			if dst.OverflowInt(i) {
				return fmt.Errorf("%d overflows %s", i, dst.Type())
			}
			dst.SetInt(i)
			return nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if i, ok := v.(int64); ok {
			if i < 0 || dst.OverflowUint(uint64(i)) {
				return fmt.Errorf("%d overflows %s", i, dst.Type())
			}
			dst.SetUint(uint64(i))
			return nil
		}
	case reflect.Float32, reflect.Float64:
		switch x := v.(type) {
		case float64:
			if dst.Kind() == reflect.Float32 && !math.IsInf(x, 0) && !math.IsNaN(x) && dst.OverflowFloat(x) {
				return fmt.Errorf("%g overflows %s", x, dst.Type())
			}
			dst.SetFloat(x)
			return nil
		case int64:
			dst.SetFloat(float64(x))
			return nil
		}
	case reflect.Slice:
		if list, ok := v.([]any); ok {
			out := reflect.MakeSlice(dst.Type(), len(list), len(list))
			for i, e := range list {
				if err := assign(out.Index(i), e); err != nil {
					return fmt.Errorf("[%d]: %w", i, err)
				}
			}
			dst.Set(out)
			return nil
		}
	case reflect.Map:
		if m, ok := v.(map[string]any); ok && dst.Type().Key().Kind() == reflect.String {
			out := reflect.MakeMapWithSize(dst.Type(), len(m))
			for k, e := range m {
				ev := reflect.New(dst.Type().Elem()).Elem()
				if err := assign(ev, e); err != nil {
					return fmt.Errorf("[%q]: %w", k, err)
				}
				out.SetMapIndex(reflect.ValueOf(k).Convert(dst.Type().Key()), ev)
			}
			dst.Set(out)
			return nil
		}
	case reflect.String:
		if s, ok := v.(string); ok {
			dst.SetString(s)
			return nil
		}
	}
	return fmt.Errorf("a %T does not fit a %s", v, dst.Type())
}
