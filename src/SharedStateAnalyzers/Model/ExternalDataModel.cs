using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SharedStateAnalyzers.Configuration;

namespace SharedStateAnalyzers.Model;

/// <summary>Where a value read from outside the program's own code comes from.</summary>
internal enum ExternalSourceKind
{
    Database,
    FileSystem,
    Network,
    Configuration,
    Environment,
    Request,

    /// <summary>A call through an interface or abstract member that the compilation does not implement.</summary>
    Abstraction,

    /// <summary>A member of a type that <c>.editorconfig</c> lists as reading external data.</summary>
    Configured,
}

/// <summary>The first external read found behind a value.</summary>
internal readonly struct ExternalSource
{
    public ExternalSource(ExternalSourceKind kind, ISymbol member)
    {
        Kind = kind;
        Member = member;
    }

    public ExternalSourceKind Kind { get; }

    public ISymbol Member { get; }

    /// <summary>The words used in diagnostic messages.</summary>
    public string Describe() => Kind switch
    {
        ExternalSourceKind.Database => "data read from a database",
        ExternalSourceKind.FileSystem => "data read from files",
        ExternalSourceKind.Network => "data read over the network",
        ExternalSourceKind.Configuration => "configuration values",
        ExternalSourceKind.Environment => "environment variables",
        ExternalSourceKind.Request => "request data",
        _ => $"data from '{Member.ContainingType?.Name}.{Member.Name}'",
    };
}

/// <summary>
/// Decides whether a value is external data: read from a database, the network, files, configuration, the
/// environment or the current request, directly or through source methods of the same compilation (followed
/// <see cref="MaxCallDepth"/> calls deep), or through an abstraction the compilation does not implement.
/// One instance per compilation; safe for concurrent use. Direct facts per method are cached; the transitive
/// walk is redone per question so that answers never depend on the order in which the driver asks.
/// </summary>
internal sealed class ExternalDataModel
{
    public const int MaxCallDepth = 3;

    /// <summary>
    /// Parts of a data library that work on code, not data: Entity Framework Core's model metadata, query compilation
    /// and translation, change-tracking and value-conversion machinery, options and diagnostics read no rows.
    /// </summary>
    private static readonly string[] s_codeOnlyNamespaces =
    {
        "Microsoft.EntityFrameworkCore.Metadata",
        "Microsoft.EntityFrameworkCore.Query",
        "Microsoft.EntityFrameworkCore.Infrastructure",
        "Microsoft.EntityFrameworkCore.ChangeTracking",
        "Microsoft.EntityFrameworkCore.Diagnostics",
        "Microsoft.EntityFrameworkCore.Design",
        "Microsoft.EntityFrameworkCore.ValueGeneration",
        "Microsoft.EntityFrameworkCore.Storage.ValueConversion",
    };

    private static readonly (string Prefix, ExternalSourceKind Kind)[] s_namespaces =
    {
        ("Microsoft.EntityFrameworkCore", ExternalSourceKind.Database),
        ("Microsoft.Data.SqlClient", ExternalSourceKind.Database),
        ("Microsoft.Data.Sqlite", ExternalSourceKind.Database),
        ("System.Data.SqlClient", ExternalSourceKind.Database),
        ("Npgsql", ExternalSourceKind.Database),
        ("MySql", ExternalSourceKind.Database),
        ("MySqlConnector", ExternalSourceKind.Database),
        ("Oracle.ManagedDataAccess", ExternalSourceKind.Database),
        ("Dapper", ExternalSourceKind.Database),
        ("MongoDB.Driver", ExternalSourceKind.Database),
        ("StackExchange.Redis", ExternalSourceKind.Database),
        ("Microsoft.Azure.Cosmos", ExternalSourceKind.Database),
        ("Azure.Data.Tables", ExternalSourceKind.Database),
        ("Cassandra", ExternalSourceKind.Database),
        ("NHibernate", ExternalSourceKind.Database),
        ("LinqToDB", ExternalSourceKind.Database),
        ("Raven.Client", ExternalSourceKind.Database),
        ("LiteDB", ExternalSourceKind.Database),
        ("Marten", ExternalSourceKind.Database),
        ("System.Net.Http", ExternalSourceKind.Network),
        ("System.Net.Sockets", ExternalSourceKind.Network),
        ("RestSharp", ExternalSourceKind.Network),
        ("Flurl.Http", ExternalSourceKind.Network),
        ("Grpc.Net.Client", ExternalSourceKind.Network),
        ("Azure.Storage", ExternalSourceKind.Network),
        ("Azure.Security.KeyVault", ExternalSourceKind.Network),
        ("Amazon", ExternalSourceKind.Network),
        ("Microsoft.Extensions.Configuration", ExternalSourceKind.Configuration),
        ("Microsoft.Extensions.FileProviders", ExternalSourceKind.FileSystem),
    };

    private static readonly (string MetadataName, ExternalSourceKind Kind)[] s_types =
    {
        ("System.Data.IDbConnection", ExternalSourceKind.Database),
        ("System.Data.IDbCommand", ExternalSourceKind.Database),
        ("System.Data.IDataReader", ExternalSourceKind.Database),
        ("System.Data.IDataAdapter", ExternalSourceKind.Database),
        ("System.Data.Common.DbConnection", ExternalSourceKind.Database),
        ("System.Data.Common.DbCommand", ExternalSourceKind.Database),
        ("System.Data.Common.DbDataReader", ExternalSourceKind.Database),
        ("System.Data.Common.DbDataAdapter", ExternalSourceKind.Database),
        ("System.Data.Common.DbDataSource", ExternalSourceKind.Database),
        ("System.IO.File", ExternalSourceKind.FileSystem),
        ("System.IO.FileInfo", ExternalSourceKind.FileSystem),
        ("System.IO.Directory", ExternalSourceKind.FileSystem),
        ("System.IO.DirectoryInfo", ExternalSourceKind.FileSystem),
        ("System.IO.FileStream", ExternalSourceKind.FileSystem),
        ("System.Net.WebClient", ExternalSourceKind.Network),
        ("System.Net.WebRequest", ExternalSourceKind.Network),
        ("System.Net.Dns", ExternalSourceKind.Network),
        ("System.Configuration.ConfigurationManager", ExternalSourceKind.Configuration),
        ("Microsoft.Extensions.Options.IOptions`1", ExternalSourceKind.Configuration),
        ("Microsoft.Extensions.Options.IOptionsMonitor`1", ExternalSourceKind.Configuration),
        ("Microsoft.Extensions.Options.IOptionsSnapshot`1", ExternalSourceKind.Configuration),
        ("Microsoft.Extensions.Caching.Distributed.IDistributedCache", ExternalSourceKind.Network),
        ("Microsoft.AspNetCore.Http.HttpContext", ExternalSourceKind.Request),
        ("Microsoft.AspNetCore.Http.HttpRequest", ExternalSourceKind.Request),
        ("Microsoft.AspNetCore.Http.IHeaderDictionary", ExternalSourceKind.Request),
        ("Microsoft.AspNetCore.Http.IQueryCollection", ExternalSourceKind.Request),
        ("Microsoft.AspNetCore.Http.IFormCollection", ExternalSourceKind.Request),
        ("Microsoft.AspNetCore.Http.IRequestCookieCollection", ExternalSourceKind.Request),
        ("Microsoft.AspNetCore.Http.ISession", ExternalSourceKind.Request),
        ("System.Security.Claims.ClaimsPrincipal", ExternalSourceKind.Request),
        ("System.Security.Claims.ClaimsIdentity", ExternalSourceKind.Request),
        ("System.Security.Claims.Claim", ExternalSourceKind.Request),
    };

    private readonly Compilation _compilation;
    private readonly ImmutableDictionary<INamedTypeSymbol, ExternalSourceKind> _knownTypes;
    private readonly INamedTypeSymbol? _environment;
    private readonly INamedTypeSymbol? _task;
    private readonly INamedTypeSymbol? _taskOfT;
    private readonly INamedTypeSymbol? _valueTask;
    private readonly INamedTypeSymbol? _valueTaskOfT;
    private readonly ConcurrentDictionary<INamedTypeSymbol, ExternalSourceKind?> _typeKinds = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, MethodFacts> _methodFacts = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, bool> _hasBody = new(SymbolEqualityComparer.Default);
    private readonly bool _appFilesAreData;
    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<IMethodSymbol>> _implementations = new(SymbolEqualityComparer.Default);
    private readonly Lazy<ImmutableArray<INamedTypeSymbol>> _sourceTypes;
    private readonly Lazy<Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>> _implementers;

    /// <param name="extraExternalTypes">Metadata names of further types whose members read external data (from configuration).</param>
    /// <param name="appFilesAreData">
    /// Whether reading the files the app ships (under its base directory, content root or web root) counts as external
    /// data, and whether a file-system call that only writes does. For a cache, the app's files are part of the
    /// deployment and cannot go stale, and a writer over a file it creates holds nothing read (false); for a
    /// singleton's "no I/O" test, any use of a file is I/O (true).
    /// </param>
    public ExternalDataModel(Compilation compilation, ImmutableArray<string> extraExternalTypes = default, bool appFilesAreData = false)
    {
        _compilation = compilation;
        _appFilesAreData = appFilesAreData;
        var known = ImmutableDictionary.CreateBuilder<INamedTypeSymbol, ExternalSourceKind>(SymbolEqualityComparer.Default);
        foreach (var (name, kind) in s_types)
        {
            if (compilation.GetTypeByMetadataName(name) is { } type)
            {
                known[type] = kind;
            }
        }

        foreach (var type in AnalyzerSettings.Resolve(compilation, extraExternalTypes))
        {
            known[type] = ExternalSourceKind.Configured;
        }

        _knownTypes = known.ToImmutable();
        _environment = compilation.GetTypeByMetadataName("System.Environment");
        _task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        _taskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        _valueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        _valueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        _sourceTypes = new Lazy<ImmutableArray<INamedTypeSymbol>>(CollectSourceTypes, LazyThreadSafetyMode.ExecutionAndPublication);
        _implementers = new Lazy<Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>>(CollectImplementers, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// The first external read behind <paramref name="value"/>: in its own operation tree, in the definitions of
    /// the locals it reads (within <paramref name="methodRoot"/>), and in the source methods it calls.
    /// </summary>
    public ExternalSource? FindSource(IOperation value, IOperation? methodRoot, CancellationToken cancellationToken)
        => FindSource(value, methodRoot, ImmutableArray<ILocalSymbol>.Empty, cancellationToken);

    /// <summary>
    /// As <see cref="FindSource(IOperation, IOperation?, CancellationToken)"/>, for a value stored under a key made of
    /// <paramref name="keyLocals"/> (<see cref="KeyedCollections.KeyLocals"/>): what the value takes from the key is not
    /// followed. A value computed from its key alone (a flag parsed from the connection string it is cached under, a
    /// listener built from the currency and node address its tuple key holds) is a function of the key, and cannot be
    /// stale for it, wherever the key came from.
    /// </summary>
    public ExternalSource? FindSource(IOperation value, IOperation? methodRoot, ImmutableArray<ILocalSymbol> keyLocals, CancellationToken cancellationToken)
    {
        var pending = new List<(IMethodSymbol Method, int Depth)>();
        var visitedLocals = new HashSet<ILocalSymbol>(keyLocals, SymbolEqualityComparer.Default);

        var found = ScanValue(value, methodRoot, visitedLocals, pending, depth: 0, cancellationToken);
        if (found is not null)
        {
            return found;
        }

        var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        for (var i = 0; i < pending.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (method, depth) = pending[i];
            if (!visited.Add(method))
            {
                continue;
            }

            var facts = GetFacts(method, cancellationToken);
            if (facts.Direct is not null)
            {
                return facts.Direct;
            }

            // A call through an interface or abstract member runs one of its implementations: the same call, at the
            // same depth. Other callees are one call deeper.
            if (facts.AreImplementations || depth < MaxCallDepth)
            {
                foreach (var callee in facts.Callees)
                {
                    pending.Add((callee, facts.AreImplementations ? depth : depth + 1));
                }
            }
        }

        return null;
    }

    private ExternalSource? ScanValue(IOperation value, IOperation? methodRoot, HashSet<ILocalSymbol> visitedLocals, List<(IMethodSymbol, int)> pending, int depth, CancellationToken cancellationToken)
    {
        // The request's headers, query or user themselves (a parameter holding them, the collection a loop copies).
        if (CarriesTheRequest(value))
        {
            return new ExternalSource(ExternalSourceKind.Request, value.WithoutConversions().Type!);
        }

        var callees = new List<IMethodSymbol>();
        var direct = ScanTree(value, callees, cancellationToken);
        if (direct is not null)
        {
            return direct;
        }

        foreach (var callee in callees)
        {
            pending.Add((callee, 1));
        }

        if (methodRoot is null || depth >= MaxCallDepth)
        {
            return null;
        }

        // Values that flow through locals: `var config = Load(key); cache[key] = config;`
        foreach (var node in WithoutStoredFunctions(value))
        {
            if (node is not ILocalReferenceOperation { Local: var local } || !visitedLocals.Add(local))
            {
                continue;
            }

            foreach (var definition in methodRoot.LocalDefinitions(local))
            {
                var found = ScanValue(definition, methodRoot, visitedLocals, pending, depth + 1, cancellationToken);
                if (found is not null)
                {
                    return found;
                }
            }

            foreach (var filled in WhatFills(methodRoot, local))
            {
                var found = ScanValue(filled, methodRoot, visitedLocals, pending, depth + 1, cancellationToken);
                if (found is not null)
                {
                    return found;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// What goes into a local collection after it is made: the arguments of a changing call on it (<c>copy.Add(key,
    /// value)</c>) and the value of an element assignment (<c>copy[key] = value</c>), and, for a change inside a
    /// <c>foreach</c>, the collection the loop walks (<c>foreach (var header in headers) copy[header.Key] = …</c>).
    /// </summary>
    private static IEnumerable<IOperation> WhatFills(IOperation methodRoot, ILocalSymbol local)
    {
        foreach (var node in methodRoot.Descendants())
        {
            IOperation? change = null;
            switch (node)
            {
                case IInvocationOperation { Instance: { } receiver } call
                    when receiver.IsReferenceTo(local) && MutableCollections.MutatingMethods.Contains(call.TargetMethod.Name):
                    foreach (var argument in call.Arguments)
                    {
                        yield return argument.Value;
                    }

                    change = call;
                    break;
                case IAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } receiver } } assignment
                    when receiver.IsReferenceTo(local):
                    yield return assignment.Value;
                    change = assignment;
                    break;
            }

            for (var current = change?.Parent; current is not null && current != methodRoot; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    break;
                }

                if (current is IForEachLoopOperation loop)
                {
                    yield return loop.Collection;
                }
            }
        }
    }

    /// <summary>
    /// The operations of <paramref name="root"/>, but for the bodies of lambdas that are stored rather than run:
    /// assigned to a field, property or local (<c>new ReaderInfo { Read = (o, row) => row.GetString(0) }</c>), or
    /// returned. Such a delegate is code, whatever it will read when someone calls it; what is built now holds no data
    /// read from outside. A lambda passed to a call (<c>ids.Select(id => db.Find(id))</c>, a <c>GetOrAdd</c> factory)
    /// may run there, and is scanned.
    /// </summary>
    private static IEnumerable<IOperation> WithoutStoredFunctions(IOperation root)
    {
        var stack = new Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (current != root && current is IAnonymousFunctionOperation function && IsStored(function))
            {
                continue;
            }

            yield return current;

            // Children pushed last first, so the walk keeps source order (the first source found names the message).
            var children = new List<IOperation>(current.ChildOperations);
            for (var i = children.Count - 1; i >= 0; i--)
            {
                stack.Push(children[i]);
            }
        }
    }

    private static bool IsStored(IAnonymousFunctionOperation function)
    {
        var value = function.Parent is IDelegateCreationOperation creation ? (IOperation)creation : function;
        while (value.Parent is IConversionOperation conversion)
        {
            value = conversion;
        }

        return value.Parent switch
        {
            IAssignmentOperation assignment => assignment.Value == value,
            IVariableInitializerOperation or IReturnOperation or IFieldInitializerOperation or IPropertyInitializerOperation => true,
            _ => false,
        };
    }

    /// <summary>Direct external reads in <paramref name="root"/>; the source methods it calls go to <paramref name="callees"/>.</summary>
    private ExternalSource? ScanTree(IOperation root, List<IMethodSymbol> callees, CancellationToken cancellationToken)
    {
        foreach (var node in WithoutStoredFunctions(root))
        {
            cancellationToken.ThrowIfCancellationRequested();
            ISymbol? member;
            switch (node)
            {
                case IInvocationOperation invocation:
                    member = invocation.TargetMethod;
                    break;
                case IMethodReferenceOperation reference:
                    member = reference.Method;
                    break;
                case IPropertyReferenceOperation { Parent: ISimpleAssignmentOperation assignment } written when assignment.Target == written:
                    // A property set (`new SocketsHttpHandler { Credentials = … }`) writes into the object; the value
                    // assigned is scanned on its own.
                    continue;
                case IPropertyReferenceOperation property:
                    member = property.Property;
                    break;
                case IForEachLoopOperation loop when CarriesTheRequest(loop.Collection):
                    // A loop over the request's headers, query or claims copies them.
                    return new ExternalSource(ExternalSourceKind.Request, loop.Collection.Type!);
                case IObjectCreationOperation { Constructor: { } copying } copy when !IsInSource(copying) && TakesTheRequest(null, copy.Arguments):
                    // `new Dictionary<string, StringValues>(headers)`: a copy of the request's collection.
                    return new ExternalSource(ExternalSourceKind.Request, copying);
                case IObjectCreationOperation { Constructor: { } constructor } creation when IsStreamReaderOverPath(constructor):
                    // new StreamReader(path) opens a file; a reader over a stream (an embedded resource, a response
                    // body) reads whatever the stream's own source is, decided where that stream comes from. A file
                    // the app ships (under its base directory or content root) is part of the deployment.
                    if (!_appFilesAreData && AppFiles.ReadsTheAppsOwnFile(creation, _compilation, cancellationToken))
                    {
                        continue;
                    }

                    return new ExternalSource(ExternalSourceKind.FileSystem, constructor);
                default:
                    continue;
            }

            var method = member switch
            {
                IMethodSymbol m => m,
                IPropertySymbol p => p.GetMethod,
                _ => null,
            };

            // A source member with a body is judged by that body (followed below), not by the types its class
            // derives from: a null-object reader's own helpers read no database. Members without one (a DbSet
            // auto-property of a DbContext subclass), and members of a type listed as external data, are what their
            // type is.
            var followBody = method is not null && HasSourceBody(method) && !(member.ContainingType is { } owner && _knownTypes.ContainsKey(owner.OriginalDefinition));
            var direct = followBody ? null : ClassifyMember(member);
            if (direct is { Kind: ExternalSourceKind.FileSystem } && !_appFilesAreData && node is IInvocationOperation fileCall
                && AppFiles.ReadsTheAppsOwnFile(fileCall, _compilation, cancellationToken))
            {
                // A template or asset the app ships: it changes only with a new deployment.
                continue;
            }

            if (direct is { Kind: ExternalSourceKind.FileSystem } && !_appFilesAreData && WritesWithoutReading(member))
            {
                // `File.CreateText(path)`, `File.AppendAllText(…)`, `Directory.CreateDirectory(…)`: what a cache keeps
                // from them (a writer, a new folder) holds nothing read from the file system.
                continue;
            }

            if (direct is not null)
            {
                return direct;
            }

            // A library method handed the request's collection as a whole (`headers.ToDictionary(…)`, `query.ToList()`)
            // returns what it holds; the program's own methods are followed instead.
            if (!followBody && node is IInvocationOperation call && TakesTheRequest(call.Instance, call.Arguments))
            {
                return new ExternalSource(ExternalSourceKind.Request, member);
            }

            if (method is not null)
            {
                AddCallees(method, callees);
            }
        }

        return null;
    }

    /// <summary>The receiver or an argument is a request object or one of its collections (headers, query, form, cookies, the user).</summary>
    private bool TakesTheRequest(IOperation? instance, ImmutableArray<IArgumentOperation> arguments)
    {
        if (instance is not null && CarriesTheRequest(instance))
        {
            return true;
        }

        foreach (var argument in arguments)
        {
            if (CarriesTheRequest(argument.Value))
            {
                return true;
            }
        }

        return false;
    }

    private bool CarriesTheRequest(IOperation value)
        => value.WithoutConversions().Type is INamedTypeSymbol type && ClassifyType(type) == ExternalSourceKind.Request;

    /// <summary>
    /// A file-system member that creates, writes, moves or deletes, and returns nothing read from a file: a writer or
    /// a stream over a file it creates or truncates, a new folder.
    /// </summary>
    private static bool WritesWithoutReading(ISymbol member)
        => member is IMethodSymbol && member.ContainingType?.ContainingNamespace?.ToDisplayString() == "System.IO"
            && (member.ContainingType.Name switch
            {
                "File" => member.Name is "Create" or "CreateText" or "AppendText" or "OpenWrite" or "Delete" or "Move" or "Copy" or "Replace"
                    or "WriteAllText" or "WriteAllTextAsync" or "WriteAllBytes" or "WriteAllBytesAsync" or "WriteAllLines" or "WriteAllLinesAsync"
                    or "AppendAllText" or "AppendAllTextAsync" or "AppendAllLines" or "AppendAllLinesAsync" or "AppendAllBytes" or "AppendAllBytesAsync",
                "FileInfo" => member.Name is "Create" or "CreateText" or "AppendText" or "OpenWrite" or "Delete" or "MoveTo" or "CopyTo" or "Replace",
                "Directory" => member.Name is "CreateDirectory" or "Delete" or "Move",
                "DirectoryInfo" => member.Name is "Create" or "CreateSubdirectory" or "Delete" or "MoveTo",
                "FileStream" => member.Name is "Write" or "WriteAsync" or "WriteByte" or "Flush" or "FlushAsync",
                _ => false,
            });

    private static bool IsStreamReaderOverPath(IMethodSymbol constructor)
        => constructor.ContainingType is { Name: "StreamReader" } reader
            && reader.ContainingNamespace?.ToDisplayString() == "System.IO"
            && constructor.Parameters.Length > 0
            && constructor.Parameters[0].Type.SpecialType == SpecialType.System_String;

    private void AddCallees(IMethodSymbol method, List<IMethodSymbol> callees)
    {
        method = method.PartialImplementationPart ?? method.OriginalDefinition;
        if (IsInSource(method))
        {
            callees.Add(method);
        }
        else if ((method.IsAbstract || method.ContainingType?.TypeKind == TypeKind.Interface) && !SymbolFacts.IsFrameworkAssembly(method.ContainingAssembly))
        {
            // A library's abstraction: decided in ComputeFacts. Framework interfaces are never followed.
            callees.Add(method);
        }
    }

    private bool HasSourceBody(IMethodSymbol method)
    {
        method = method.PartialImplementationPart ?? method.OriginalDefinition;
        if (!IsInSource(method))
        {
            return false;
        }

        if (_hasBody.TryGetValue(method, out var cached))
        {
            return cached;
        }

        var hasBody = false;
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            hasBody |= reference.GetSyntax() switch
            {
                BaseMethodDeclarationSyntax declaration => declaration.Body is not null || declaration.ExpressionBody is not null,
                AccessorDeclarationSyntax accessor => accessor.Body is not null || accessor.ExpressionBody is not null,
                ArrowExpressionClauseSyntax => true,
                LocalFunctionStatementSyntax local => local.Body is not null || local.ExpressionBody is not null,
                _ => false,
            };
        }

        return _hasBody.GetOrAdd(method, hasBody);
    }

    private bool IsInSource(IMethodSymbol method)
        => !method.DeclaringSyntaxReferences.IsEmpty && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly);

    private MethodFacts GetFacts(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (_methodFacts.TryGetValue(method, out var cached))
        {
            return cached;
        }

        var facts = ComputeFacts(method, cancellationToken);
        return _methodFacts.GetOrAdd(method, facts);
    }

    private MethodFacts ComputeFacts(IMethodSymbol method, CancellationToken cancellationToken)
    {
        // A static interface member with a body is the program's own code, followed like any method; an abstract one
        // (`static abstract`) and an instance member are implemented by the types that implement the interface.
        if (method.IsAbstract || (method.ContainingType?.TypeKind == TypeKind.Interface && !method.IsStatic))
        {
            var implementations = GetImplementations(method);
            if (!implementations.IsEmpty)
            {
                return new MethodFacts(null, implementations, implementations: true);
            }

            // No implementation in this compilation: the abstraction is implemented elsewhere. Count it as external
            // when it is the program's own abstraction, or an asynchronous one from a library (async calls through
            // an interface are I/O in practice). Framework interfaces (IEnumerable, IComparer, ...) are not.
            var declaredHere = SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly);
            if (declaredHere || (!SymbolFacts.IsFrameworkAssembly(method.ContainingAssembly) && IsAwaitable(method.ReturnType)))
            {
                return new MethodFacts(new ExternalSource(ExternalSourceKind.Abstraction, method), ImmutableArray<IMethodSymbol>.Empty);
            }

            return MethodFacts.None;
        }

        if (!IsInSource(method))
        {
            return MethodFacts.None;
        }

        var callees = new List<IMethodSymbol>();
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            // One lookup per followed method; the results are cached per compilation.
            var operation = SemanticModelCache.OperationOf(_compilation, reference.GetSyntax(cancellationToken), cancellationToken);
            if (operation is null)
            {
                continue;
            }

            var direct = ScanTree(operation, callees, cancellationToken);
            if (direct is not null)
            {
                return new MethodFacts(direct, ImmutableArray<IMethodSymbol>.Empty);
            }
        }

        return new MethodFacts(null, callees.ToImmutableArray());
    }

    private ImmutableArray<IMethodSymbol> GetImplementations(IMethodSymbol member)
    {
        if (_implementations.TryGetValue(member, out var cached))
        {
            return cached;
        }

        var builder = ImmutableArray.CreateBuilder<IMethodSymbol>();
        var declaringType = member.ContainingType;
        if (declaringType.TypeKind == TypeKind.Interface)
        {
            // The source types that implement the interface, in the same order as the source types.
            if (_implementers.Value.TryGetValue(declaringType.OriginalDefinition, out var implementers))
            {
                foreach (var type in implementers)
                {
                    foreach (var implemented in ConstructionsOf(member, type))
                    {
                        if (type.FindImplementationForInterfaceMember(implemented) is IMethodSymbol implementation && !implementation.IsAbstract
                            && builder.IndexOf(implementation.OriginalDefinition, 0, builder.Count, SymbolEqualityComparer.Default) < 0)
                        {
                            builder.Add(implementation.OriginalDefinition);
                        }
                    }
                }
            }
        }
        else
        {
            foreach (var type in _sourceTypes.Value)
            {
                if (type.IsAbstract)
                {
                    continue;
                }

                foreach (var candidate in type.GetMembers(member.Name))
                {
                    if (candidate is IMethodSymbol { IsOverride: true } overriding && SymbolFacts.Overrides(overriding, member))
                    {
                        builder.Add(overriding.OriginalDefinition);
                    }
                }
            }
        }

        var result = builder.ToImmutable();
        return _implementations.GetOrAdd(member, result);
    }

    /// <summary>
    /// The interface member <paramref name="member"/> (followed by its definition) as <paramref name="type"/> implements
    /// it: for a generic interface, the member of each construction the type implements (<c>TypeLabel&lt;T&gt;</c>
    /// implements <c>ILabel&lt;T&gt;.Name</c> with its own <c>T</c>, not the interface's).
    /// </summary>
    private static IEnumerable<IMethodSymbol> ConstructionsOf(IMethodSymbol member, INamedTypeSymbol type)
    {
        var definition = member.ContainingType.OriginalDefinition;
        if (!definition.IsGenericType)
        {
            yield return member;
            yield break;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (!SymbolEqualityComparer.Default.Equals(@interface.OriginalDefinition, definition))
            {
                continue;
            }

            foreach (var candidate in @interface.GetMembers(member.Name))
            {
                if (candidate is IMethodSymbol method && SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, member.OriginalDefinition))
                {
                    yield return method;
                }
            }
        }
    }

    /// <summary>The source types implementing each interface (by its definition), in source-type order: read-only once built.</summary>
    private Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>> CollectImplementers()
    {
        var implementers = new Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>(SymbolEqualityComparer.Default);
        foreach (var type in _sourceTypes.Value)
        {
            foreach (var @interface in type.AllInterfaces)
            {
                var definition = @interface.OriginalDefinition;
                if (!implementers.TryGetValue(definition, out var list))
                {
                    list = new List<INamedTypeSymbol>();
                    implementers.Add(definition, list);
                }

                // Two constructions of one generic interface name the type once.
                if (list.Count == 0 || !ReferenceEquals(list[list.Count - 1], type))
                {
                    list.Add(type);
                }
            }
        }

        return implementers;
    }

    private ImmutableArray<INamedTypeSymbol> CollectSourceTypes()
    {
        var builder = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        var stack = new Stack<INamespaceOrTypeSymbol>();
        stack.Push(_compilation.Assembly.GlobalNamespace);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            foreach (var member in current.GetMembers())
            {
                if (member is INamespaceSymbol ns)
                {
                    stack.Push(ns);
                }
                else if (member is INamedTypeSymbol type)
                {
                    if (type.TypeKind is TypeKind.Class or TypeKind.Struct)
                    {
                        builder.Add(type);
                    }

                    stack.Push(type);
                }
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>The external source a member reads directly, by its containing type, that type's bases and namespace.</summary>
    private ExternalSource? ClassifyMember(ISymbol member)
    {
        var type = member.ContainingType;
        if (type is null)
        {
            return null;
        }

        if (_environment is not null && SymbolEqualityComparer.Default.Equals(type, _environment))
        {
            return member.Name is "GetEnvironmentVariable" or "GetEnvironmentVariables" or "ExpandEnvironmentVariables"
                ? new ExternalSource(ExternalSourceKind.Environment, member)
                : null;
        }

        // A context's model is metadata built from code (entity types, keys, mappings): it reads no rows.
        if (member.Name == "Model" && IsEntityFrameworkContext(type))
        {
            return null;
        }

        // Query execution in Entity Framework's query machinery (IQueryCompiler.Execute…) reads rows, though its
        // namespace otherwise holds code-only parts.
        if (member.Name.StartsWith("Execute", StringComparison.Ordinal)
            && type.ContainingNamespace?.ToDisplayString().StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) == true)
        {
            return new ExternalSource(ExternalSourceKind.Database, member);
        }

        // Where a file is, not what it holds: a FileInfo's or DirectoryInfo's path members read no file.
        if (member.Name is "FullName" or "Name" or "Extension" or "Parent" or "DirectoryName" or "Directory" or "Root" or "ToString"
            && IsFileSystemInfo(type))
        {
            return null;
        }

        var kind = ClassifyType(type);

        // Options that hold only code (`List<Action<TSettings>>` of callbacks the app registered while composing): what
        // they give is the same in every process and for as long as this one runs.
        if (kind == ExternalSourceKind.Configuration && type is { Name: "IOptions" or "IOptionsMonitor" or "IOptionsSnapshot", TypeArguments.Length: 1 }
            && SymbolFacts.HoldsOnlyCodeMembers(type.TypeArguments[0]))
        {
            return null;
        }

        // Query composition (`AsNoTracking()`, `Include(…)`, `TagWith(…)`: a method that takes a query and returns one)
        // reads nothing: the rows are read where it runs (`ToListAsync`, `FirstAsync`, enumeration). The query's root
        // (`db.Set<T>()`, a `DbSet` property) is still the database.
        if (kind == ExternalSourceKind.Database && member is IMethodSymbol method && IsQuery(method.ReturnType) && TakesAQuery(method.ReducedFrom ?? method))
        {
            return null;
        }

        return kind is null ? null : new ExternalSource(kind.Value, member);
    }

    private static bool TakesAQuery(IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters)
        {
            if (IsQuery(parameter.Type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>System.Linq.IQueryable</c>, or a type that implements it (<c>IQueryable&lt;T&gt;</c>, <c>IIncludableQueryable&lt;T, P&gt;</c>).</summary>
    private static bool IsQuery(ITypeSymbol type)
    {
        if (IsQueryableInterface(type))
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (IsQueryableInterface(implemented))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsQueryableInterface(ITypeSymbol type)
        => type is INamedTypeSymbol { Name: "IQueryable", ContainingNamespace: { Name: "Linq", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

    private static bool IsEntityFrameworkContext(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.Name == "DbContext" && current.ContainingNamespace?.ToDisplayString() == "Microsoft.EntityFrameworkCore")
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFileSystemInfo(INamedTypeSymbol type)
        => type.Name is "FileInfo" or "DirectoryInfo" or "FileSystemInfo" && type.ContainingNamespace?.ToDisplayString() == "System.IO";

    private ExternalSourceKind? ClassifyType(INamedTypeSymbol type)
    {
        type = type.OriginalDefinition;
        if (_typeKinds.TryGetValue(type, out var cached))
        {
            return cached;
        }

        var kind = ComputeTypeKind(type);
        _typeKinds.TryAdd(type, kind);
        return kind;
    }

    private ExternalSourceKind? ComputeTypeKind(INamedTypeSymbol type)
    {
        if (SymbolFacts.IsProcessIdentity(type))
        {
            return null;
        }

        // A connection string builder parses the text it is given (SqlConnectionStringBuilder, NpgsqlConnectionStringBuilder).
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.Name == "DbConnectionStringBuilder" && current.ContainingNamespace?.ToDisplayString() == "System.Data.Common")
            {
                return null;
            }
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (_knownTypes.TryGetValue(current.OriginalDefinition, out var kind))
            {
                return kind;
            }

            // A namespace names a library's data access (Npgsql, Dapper, MongoDB.Driver). The library analyzed in its
            // own source is judged by what its code does: its methods are followed like any other source method.
            var ns = IsDeclaredHere(current) ? null : NamespaceKind(current.ContainingNamespace);
            if (ns is not null)
            {
                return ns;
            }
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (_knownTypes.TryGetValue(@interface.OriginalDefinition, out var kind))
            {
                return kind;
            }
        }

        return null;
    }

    private bool IsDeclaredHere(INamedTypeSymbol type)
        => SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, _compilation.Assembly);

    private static ExternalSourceKind? NamespaceKind(INamespaceSymbol? ns)
    {
        if (ns is null || ns.IsGlobalNamespace)
        {
            return null;
        }

        var name = ns.ToDisplayString();
        foreach (var prefix in s_codeOnlyNamespaces)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && (name.Length == prefix.Length || name[prefix.Length] == '.'))
            {
                return null;
            }
        }

        foreach (var (prefix, kind) in s_namespaces)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal)
                && (name.Length == prefix.Length || name[prefix.Length] == '.'))
            {
                return kind;
            }
        }

        return null;
    }

    private bool IsAwaitable(ITypeSymbol type)
    {
        var definition = type.OriginalDefinition;
        return SymbolEqualityComparer.Default.Equals(definition, _task)
            || SymbolEqualityComparer.Default.Equals(definition, _taskOfT)
            || SymbolEqualityComparer.Default.Equals(definition, _valueTask)
            || SymbolEqualityComparer.Default.Equals(definition, _valueTaskOfT);
    }

    private sealed class MethodFacts
    {
        public static readonly MethodFacts None = new(null, ImmutableArray<IMethodSymbol>.Empty);

        public MethodFacts(ExternalSource? direct, ImmutableArray<IMethodSymbol> callees, bool implementations = false)
        {
            Direct = direct;
            Callees = callees;
            AreImplementations = implementations;
        }

        public ExternalSource? Direct { get; }

        public ImmutableArray<IMethodSymbol> Callees { get; }

        /// <summary>The callees are an abstract or interface member's implementations: the same call, dispatched.</summary>
        public bool AreImplementations { get; }
    }
}
