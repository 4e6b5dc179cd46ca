using ProtocolEngine.Language.Types;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Operators;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Native;

/// <summary>How the language's types are represented at run time, and the type operators (is, as, cast).</summary>
internal static class RuntimeTypes
{
    /// <summary>The CLR type that carries values of a protocol type in compiled code.</summary>
    public static Type ClrType(ProtocolType type) => type switch
    {
        _ when type == ProtocolType.Boolean => typeof(bool?),
        _ when type == ProtocolType.Integer => typeof(int?),
        _ when type == ProtocolType.Long => typeof(long?),
        _ when type == ProtocolType.Decimal => typeof(decimal?),
        _ when type == ProtocolType.String => typeof(string),
        _ when type == ProtocolType.Date => typeof(CqlDate),
        _ when type == ProtocolType.DateTime => typeof(CqlDateTime),
        _ when type == ProtocolType.Time => typeof(CqlTime),
        _ when type == ProtocolType.Quantity => typeof(CqlQuantity),
        _ when type == ProtocolType.Ratio => typeof(CqlRatio),
        _ when type == ProtocolType.Code => typeof(CqlCode),
        _ when type == ProtocolType.Concept => typeof(CqlConcept),
        _ when type == ProtocolType.CodeList => typeof(CodeListValue),
        IntervalType => typeof(CqlInterval),
        ListType => typeof(IReadOnlyList<object?>),
        TupleType => typeof(CqlTuple),
        RecordType => typeof(DomainRecord),
        _ => typeof(object),
    };

    /// <summary>True when a runtime value is of the protocol type (CQL <c>is</c>); null is of no type.</summary>
    public static bool Is(object? value, ProtocolType type)
    {
        if (value is null) return false;
        switch (type)
        {
            case ListType list:
                return value is IReadOnlyList<object?> items && items.All(i => i is null || Is(i, list.ElementType));
            case IntervalType interval:
                return value is CqlInterval iv && (iv.Low is null || Is(iv.Low, interval.PointType)) && (iv.High is null || Is(iv.High, interval.PointType));
            case TupleType tuple:
                return value is CqlTuple t && tuple.Elements.All(e => t.Has(e.Name) && (t.Get(e.Name) is null || Is(t.Get(e.Name), e.Type)));
            case ChoiceType choice:
                return choice.Options.Any(o => Is(value, o));
            case RecordType record:
                return value is DomainRecord r && r.Domain == record.Domain.Name;
        }
        if (type.IsAny) return true;
        var clr = Nullable.GetUnderlyingType(ClrType(type)) ?? ClrType(type);
        return clr.IsInstanceOfType(value);
    }

    /// <summary>CQL <c>as</c>: the value when it is of the type, else null.</summary>
    public static object? As(object? value, ProtocolType type) => Is(value, type) ? value : null;

    /// <summary>CQL <c>cast ... as</c>: the value when it is of the type (or null), else a runtime error.</summary>
    public static object? Cast(object? value, ProtocolType type) =>
        value is null || Is(value, type) ? value : throw new CqlRuntimeException($"{CqlFormatter.Format(value)} is not a {type.Name}.");

    /// <summary>Unboxes a value typed Any to a CLR type, giving null when it is of another type.</summary>
    public static T? UnboxClass<T>(object? value) where T : class => value as T;

    /// <summary>Unboxes a value typed Any to a nullable value type, giving null when it is of another type.</summary>
    public static T? UnboxValue<T>(object? value) where T : struct => value is T t ? t : null;
}
