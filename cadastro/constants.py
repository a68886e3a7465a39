from django.db import models


class TipoPessoa(models.TextChoices):
    FISICA = "F", "Pessoa física"
    JURIDICA = "J", "Pessoa jurídica"


class Sexo(models.TextChoices):
    MASCULINO = "M", "Masculino"
    FEMININO = "F", "Feminino"
    OUTRO = "O", "Outro"
    NAO_INFORMADO = "N", "Não informado"


class CanalContato(models.TextChoices):
    SMS_WHATSAPP = "sms_whatsapp", "SMS/WhatsApp"
    EMAIL = "email", "E-mail"
    TELEFONE = "telefone", "Ligação telefônica"
    CARTA = "carta", "Carta"


class TipoEndereco(models.TextChoices):
    PRINCIPAL = "principal", "Principal"
    COBRANCA = "cobranca", "Cobrança"
    ENTREGA = "entrega", "Entrega"
    COMERCIAL = "comercial", "Comercial"
    RESIDENCIAL = "residencial", "Residencial"


class TipoTelefone(models.TextChoices):
    CELULAR = "celular", "Celular"
    FIXO = "fixo", "Fixo"
    COMERCIAL = "comercial", "Comercial"
    FAX = "fax", "Fax"


class Operadora(models.TextChoices):
    NAO_INFORMADA = "", "Não informada"
    VIVO = "vivo", "Vivo"
    CLARO = "claro", "Claro"
    TIM = "tim", "TIM"
    OI = "oi", "Oi"
    ALGAR = "algar", "Algar"
    OUTRA = "outra", "Outra"


class TipoContatoEletronico(models.TextChoices):
    EMAIL = "email", "E-mail"
    SITE = "site", "Site"
    WHATSAPP = "whatsapp", "WhatsApp"


class OrigemAlteracao(models.TextChoices):
    TELA = "tela", "Tela"
    IMPORTACAO = "importacao", "Importação"
    API = "api", "Integração"
    SISTEMA = "sistema", "Sistema"


class TipoEventoCliente(models.TextChoices):
    CRIADO = "criado", "Cadastro criado"
    ALTERADO = "alterado", "Cadastro alterado"
    CONSENTIMENTO_DADO = "consentimento_dado", "Consentimento concedido"
    CONSENTIMENTO_REVOGADO = "consentimento_revogado", "Consentimento revogado"
    ENDERECO = "endereco", "Endereço"
    TELEFONE = "telefone", "Telefone"
    CONTATO = "contato", "Contato"
    IMPORTADO = "importado", "Importado"
    ATUALIZADO_IMPORTACAO = "atualizado_importacao", "Atualizado por importação"
    PEDIDO = "pedido", "Pedido"
    ORCAMENTO = "orcamento", "Orçamento"
    CHAMADO = "chamado", "Chamado"
    OCORRENCIA = "ocorrencia", "Ocorrência"


class Indicador(models.TextChoices):
    QUANTIDADE = "quantidade", "Quantidade de cadastros"
    CRESCIMENTO = "crescimento", "% de crescimento da base"
    ATIVOS = "ativos", "% de cadastros ativos"
    COM_EMAIL = "com_email", "% com e-mail preenchido"
    COM_TELEFONE = "com_telefone", "% com telefone preenchido"
    CONSENTIMENTO = "consentimento", "Crescimento de permissões (mala-direta/e-mail)"
    CHURN = "churn", "Índice de churn por carteira (%)"


class IndicadorIE(models.TextChoices):
    """indIEDest of the NF-e (Manual de Orientação do Contribuinte, leiaute 4.00)."""

    CONTRIBUINTE = "1", "Contribuinte ICMS"
    ISENTO = "2", "Contribuinte isento de inscrição"
    NAO_CONTRIBUINTE = "9", "Não contribuinte"


class EspecieTitulo(models.TextChoices):
    """Kind of receivable as the ERP names it (espécie do título)."""

    DUPLICATA = "duplicata", "Duplicata"
    BOLETO = "boleto", "Boleto"
    CHEQUE = "cheque", "Cheque"
    CARTAO = "cartao", "Cartão"
    PIX = "pix", "Pix"
    CREDIARIO = "crediario", "Crediário / carnê"
    NOTA_PROMISSORIA = "promissoria", "Nota promissória"
    OUTROS = "outros", "Outros"


class SituacaoTitulo(models.TextChoices):
    """Derived from the amounts and the dates, never stored (see `TituloReceber`)."""

    ABERTO = "aberto", "Em aberto"
    PARCIAL = "parcial", "Pago parcialmente"
    VENCIDO = "vencido", "Vencido"
    PAGO = "pago", "Pago"


class FiltroTitulos(models.TextChoices):
    """The filter of the client's Financeiro tab (and of its export)."""

    ABERTOS = "abertos", "Em aberto"
    VENCIDOS = "vencidos", "Vencidos"
    PAGOS = "pagos", "Pagos"
    TODOS = "todos", "Todos"
